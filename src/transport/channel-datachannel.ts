import ndc from 'node-datachannel';
import { BoundedSet } from '../broadcast/bounded-set.js';
import { encodeMessage } from '../broadcast/codec.js';
import type { SignalMsg } from '../broadcast/messages.js';
import { WireCode } from '../broadcast/wire-codes.js';
import { randomBytes } from '../runtime/rng.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TimerHandle } from '../runtime/scheduler.js';
import type { ActorId } from '../store/types.js';
import type { Channel, ChannelFactory } from './channel.js';

/** Options of {@link DataChannelFactory}. */
export interface DataChannelOptions {
  /** This node's actor id. */
  readonly actorId: ActorId;
  readonly runtime: Runtime;
  /**
   * Sends an encoded signalling message to a peer; the agent passes `membership.sendTo`, so
   * offers and answers (and the DTLS fingerprints in them) travel sealed and authenticated.
   */
  readonly sendSignal: (peer: ActorId, payload: Uint8Array) => boolean;
  /** Local address ICE binds to and offers as its host candidate. Default `127.0.0.1`. */
  readonly bindAddress?: string;
  /** An attempt not open within this many ms fails. Default 10000 ms. */
  readonly connectTimeoutMs?: number;
  /** The offer (lossy gossip) is re-sent every this many ms until answered. Default 1000 ms. */
  readonly offerRetryMs?: number;
  /** Most connection attempts in progress (both directions); more are refused. Default 16. */
  readonly maxPendingAttempts?: number;
  /** Largest message, in bytes (fragmented on the wire, reassembled within this bound). Default 16 MiB. */
  readonly maxMessageBytes?: number;
}

/** SCTP message size used for fragments: below libdatachannel's 256 KiB limit. */
const FRAGMENT_BYTES = 64 * 1024;
const MORE = 0;
const LAST = 1;

/** Live factories in this process (see {@link releaseDataChannels}). */
let liveFactories = 0;

/**
 * Releases node-datachannel's native threads so the process can exit. node-datachannel
 * keeps a process alive until this runs; call it once at process end, after every agent
 * closed. Does nothing (returns false) while a factory is still open. Creating new
 * factories after it in the same process is not supported.
 */
export function releaseDataChannels(): boolean {
  if (liveFactories > 0) return false;
  ndc.cleanup();
  return true;
}

interface Attempt {
  readonly cid: string;
  readonly peer: ActorId;
  readonly pc: ndc.PeerConnection;
  readonly outgoing: boolean;
  /**
   * The data channel, held here so the garbage collector cannot free its native wrapper
   * (which closes it) while the connection is still being set up.
   */
  dc: ndc.DataChannel | undefined;
  /** Our description, once gathered (re-sent on retries / duplicate offers). */
  sdp: string | undefined;
  answered: boolean;
  timeout: TimerHandle;
  retry: TimerHandle | undefined;
  done: ((ch: Channel | undefined) => void) | undefined;
}

/**
 * Channels over WebRTC data channels (node-datachannel: SCTP over DTLS over ICE/UDP). The
 * offer and answer, each holding its ICE candidates, ride on membership's sealed direct
 * messages; no STUN or TURN server is configured, so candidates are the host addresses of
 * `bindAddress`. One peer connection carries one ordered, reliable data channel.
 */
export class DataChannelFactory implements ChannelFactory {
  private readonly attempts = new Map<string, Attempt>();
  private readonly channels = new Set<DataChannel>();
  /** Connection ids already set up or given up, so late duplicate offers are ignored. */
  private readonly finished = new BoundedSet(256);
  private incoming: (ch: Channel) => void = (ch) => ch.close();
  private closed = false;
  private readonly connectTimeoutMs: number;
  private readonly offerRetryMs: number;
  private readonly maxPending: number;
  readonly maxMessageBytes: number;
  /** Signalling messages dropped (unknown attempt, wrong sender, bound reached). */
  droppedSignals = 0;

  constructor(private readonly opts: DataChannelOptions) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.offerRetryMs = opts.offerRetryMs ?? 1000;
    this.maxPending = opts.maxPendingAttempts ?? 16;
    this.maxMessageBytes = opts.maxMessageBytes ?? 16 * 1024 * 1024;
    liveFactories++;
  }

  open(peer: ActorId, done: (channel: Channel | undefined) => void): void {
    const deadline = this.opts.runtime.clock.now() + this.connectTimeoutMs;
    let tries = 0;
    // libdatachannel now and then refuses a valid answer ("remote candidate without ICE
    // transport"); such an attempt fails fast and is retried with a new connection, within
    // the same overall timeout and at most 3 times.
    const attempt = (): void =>
      this.openOnce(peer, deadline - this.opts.runtime.clock.now(), (ch) => {
        tries++;
        if (ch || tries >= 3 || this.closed || this.opts.runtime.clock.now() >= deadline - 100) done(ch);
        else attempt();
      });
    attempt();
  }

  private openOnce(peer: ActorId, timeoutMs: number, done: (channel: Channel | undefined) => void): void {
    const sched = this.opts.runtime.scheduler;
    if (this.closed || this.attempts.size >= this.maxPending || peer === this.opts.actorId) {
      sched.after(0, () => done(undefined));
      return;
    }
    const cid = Buffer.from(randomBytes(this.opts.runtime.rng, 8)).toString('hex');
    const pc = this.newPeerConnection(cid);
    const attempt = this.track(cid, peer, pc, true, done, timeoutMs);
    // Register before creating the data channel: gathering starts at once on a native
    // thread and may complete before a later registration.
    this.whenGathered(attempt, () => {
      // Ask the answerer to be the DTLS server: the offerer then starts the handshake once it
      // has the answer. With the default (answerer as client) the answerer's first
      // ClientHello often reaches the offerer before the answer does, is dropped, and DTLS
      // only retries after a second.
      attempt.sdp = attempt.sdp?.replace('a=setup:actpass', 'a=setup:active');
      this.sendOffer(attempt);
    });
    const dc = pc.createDataChannel('corro');
    attempt.dc = dc;
    dc.onOpen(() => {
      if (this.attempts.get(cid) !== attempt) {
        dc.close();
        return;
      }
      this.finish(attempt, this.wrap(peer, pc, dc));
    });
  }

  onIncoming(handler: (channel: Channel) => void): void {
    this.incoming = handler;
  }

  /** Handles an offer or answer from `from` (routed here by replication). */
  handleSignal(from: ActorId, msg: SignalMsg): void {
    if (this.closed) return;
    const known = this.attempts.get(msg.cid);
    if (msg.kind === 'answer') {
      if (!known?.outgoing || known.peer !== from || known.answered) {
        this.droppedSignals++;
        return;
      }
      known.answered = true;
      known.retry?.cancel();
      this.safely(known, () => known.pc.setRemoteDescription(msg.sdp, 'answer'));
      return;
    }
    if (!known && this.finished.has(msg.cid)) {
      this.droppedSignals++;
      return;
    }
    if (known) {
      // A retried offer: our answer was lost; send it again.
      if (known.peer === from && !known.outgoing && known.sdp) this.sendSignal(known, 'answer');
      else this.droppedSignals++;
      return;
    }
    if (this.attempts.size >= this.maxPending) {
      this.droppedSignals++;
      return;
    }
    const pc = this.newPeerConnection(msg.cid);
    const attempt = this.track(msg.cid, from, pc, false, undefined);
    pc.onDataChannel((dc) => {
      if (this.attempts.get(msg.cid) !== attempt) {
        dc.close();
        return;
      }
      const ch = this.wrap(from, pc, dc);
      this.finish(attempt, ch);
      this.incoming(ch);
    });
    this.whenGathered(attempt, () => this.sendSignal(attempt, 'answer'));
    this.safely(attempt, () => pc.setRemoteDescription(msg.sdp, 'offer'));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const a of [...this.attempts.values()]) this.fail(a);
    for (const ch of [...this.channels]) ch.close();
    liveFactories--;
  }

  private newPeerConnection(cid: string): ndc.PeerConnection {
    return new ndc.PeerConnection(cid, {
      iceServers: [],
      bindAddress: this.opts.bindAddress ?? '127.0.0.1',
      maxMessageSize: FRAGMENT_BYTES + 1,
    });
  }

  private track(
    cid: string,
    peer: ActorId,
    pc: ndc.PeerConnection,
    outgoing: boolean,
    done: Attempt['done'],
    timeoutMs = this.connectTimeoutMs,
  ): Attempt {
    const attempt: Attempt = {
      cid,
      peer,
      pc,
      outgoing,
      dc: undefined,
      sdp: undefined,
      answered: false,
      retry: undefined,
      done,
      timeout: this.opts.runtime.scheduler.after(timeoutMs, () => this.fail(attempt)),
    };
    this.attempts.set(cid, attempt);
    return attempt;
  }

  /** Runs `then` once ICE gathering completed, with our full description in `a.sdp`. */
  private whenGathered(a: Attempt, then: () => void): void {
    const check = () => {
      if (a.sdp !== undefined || a.pc.gatheringState() !== 'complete') return;
      a.sdp = a.pc.localDescription()?.sdp;
      if (a.sdp !== undefined) then();
    };
    a.pc.onGatheringStateChange(check);
    check();
  }

  private sendOffer(a: Attempt): void {
    if (this.attempts.get(a.cid) !== a || a.answered) return;
    this.sendSignal(a, 'offer');
    a.retry = this.opts.runtime.scheduler.after(this.offerRetryMs, () => this.sendOffer(a));
  }

  private sendSignal(a: Attempt, kind: 'offer' | 'answer'): void {
    if (!a.sdp) return;
    this.opts.sendSignal(a.peer, encodeMessage({ type: WireCode.Signal, cid: a.cid, kind, sdp: a.sdp }));
  }

  private safely(a: Attempt, fn: () => void): void {
    try {
      fn();
    } catch {
      // A malformed description from a peer: drop the attempt.
      this.droppedSignals++;
      this.fail(a);
    }
  }

  private finish(a: Attempt, ch: Channel): void {
    this.finished.add(a.cid);
    a.timeout.cancel();
    a.retry?.cancel();
    this.attempts.delete(a.cid);
    const done = a.done;
    a.done = undefined;
    done?.(ch);
  }

  private fail(a: Attempt): void {
    this.finished.add(a.cid);
    a.timeout.cancel();
    a.retry?.cancel();
    if (this.attempts.get(a.cid) === a) this.attempts.delete(a.cid);
    try {
      a.pc.close();
    } catch {
      // already closed
    }
    const done = a.done;
    a.done = undefined;
    if (done) done(undefined);
  }

  private wrap(peer: ActorId, pc: ndc.PeerConnection, dc: ndc.DataChannel): DataChannel {
    const ch = new DataChannel(peer, pc, dc, this.maxMessageBytes, () => this.channels.delete(ch));
    this.channels.add(ch);
    return ch;
  }
}

/** One data channel as a {@link Channel}: messages fragmented into 64 KiB SCTP messages. */
class DataChannel implements Channel {
  private open_ = true;
  private handler: (m: Uint8Array) => void = () => {};
  private closeHandler: () => void = () => {};
  private parts: Buffer[] = [];
  private partBytes = 0;

  constructor(
    readonly peer: ActorId,
    private readonly pc: ndc.PeerConnection,
    private readonly dc: ndc.DataChannel,
    readonly maxMessageBytes: number,
    private readonly onGone: () => void,
  ) {
    dc.onMessage((m) => this.receive(m));
    dc.onClosed(() => this.close());
    dc.onError(() => this.close());
    pc.onStateChange((s) => {
      if (s === 'failed' || s === 'closed' || s === 'disconnected') this.close();
    });
  }

  get isOpen(): boolean {
    return this.open_;
  }

  send(message: Uint8Array): boolean {
    if (!this.open_ || message.length > this.maxMessageBytes) return false;
    try {
      let off = 0;
      do {
        const end = Math.min(message.length, off + FRAGMENT_BYTES);
        const frame = Buffer.allocUnsafe(1 + end - off);
        frame[0] = end === message.length ? LAST : MORE;
        frame.set(message.subarray(off, end), 1);
        // false only means "buffered"; the association is reliable and ordered.
        this.dc.sendMessageBinary(frame);
        off = end;
      } while (off < message.length);
      return true;
    } catch {
      this.close();
      return false;
    }
  }

  onMessage(handler: (message: Uint8Array) => void): void {
    this.handler = handler;
  }

  onClose(handler: () => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    if (!this.open_) return;
    this.open_ = false;
    this.parts = [];
    try {
      this.dc.close();
      this.pc.close();
    } catch {
      // already closed
    }
    this.onGone();
    this.closeHandler();
  }

  private receive(m: string | Buffer | ArrayBuffer): void {
    if (!this.open_) return;
    const buf = typeof m === 'string' ? undefined : Buffer.isBuffer(m) ? m : Buffer.from(m);
    if (!buf || buf.length === 0 || (buf[0] !== MORE && buf[0] !== LAST)) {
      this.close(); // not our framing: a broken or hostile peer
      return;
    }
    this.partBytes += buf.length - 1;
    if (this.partBytes > this.maxMessageBytes) {
      this.close(); // reassembly bound exceeded
      return;
    }
    this.parts.push(buf.subarray(1));
    if (buf[0] === LAST) {
      const whole = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
      this.parts = [];
      this.partBytes = 0;
      this.handler(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength));
    }
  }
}
