import type ndc from 'node-datachannel';
import type { ActorId } from '../store/types.js';
import type { Channel } from './channel.js';

/** SCTP message size used for fragments: below libdatachannel's 256 KiB limit. */
export const FRAGMENT_BYTES = 64 * 1024;
/** Fragment header: more fragments follow / last fragment of a message. */
const MORE = 0;
const LAST = 1;

/**
 * One WebRTC data channel as a {@link Channel}: each message is cut into SCTP messages of at
 * most 64 KiB with a one-byte header (0 = more, 1 = last) and reassembled up to
 * `maxMessageBytes`; a peer that exceeds it or breaks the framing loses the channel.
 */
export class DataChannel implements Channel {
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
