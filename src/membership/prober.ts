import type { Clock } from '../runtime/clock.js';
import type { Rng } from '../runtime/rng.js';
import type { ActorId } from '../store/types.js';
import type { Awareness } from './awareness.js';
import type { MembershipConfig } from './config.js';
import type { MemberStates } from './member-states.js';
import { pickRandom } from './member-table.js';
import { encodeMessage } from './messages.js';
import type { MembershipCounters } from './metrics.js';
import { type IndirectRelay, type PendingProbe, ProbeOrder, smoothRtt } from './probe.js';
import type { MembershipTimer } from './timers.js';

/** What the prober needs from the core. */
export interface ProberHost {
  readonly cfg: MembershipConfig;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly counters: MembershipCounters;
  readonly awareness: Awareness;
  readonly states: MemberStates;
  readonly self: ActorId;
  send(to: string, messages: Uint8Array[]): void;
  schedule(timer: MembershipTimer, delayMs: number): void;
  nextSeq(): number;
}

/**
 * SWIM failure detection with Lifeguard's local health: one probe per (scaled) interval,
 * ping, then ping-req through `indirectChecks` members with nacks, then suspicion. Also relays
 * other members' ping-reqs.
 */
export class Prober {
  private readonly order = new ProbeOrder();
  private readonly relays = new Map<number, IndirectRelay>();
  private probe: PendingProbe | undefined;

  constructor(private readonly h: ProberHost) {}

  /** Drops the probe in flight (on leave). */
  cancel(): void {
    this.probe = undefined;
  }

  /** Probe tick: ends the previous probe (suspecting its target if unacked), starts the next. */
  tick(startNext: boolean): void {
    const prev = this.probe;
    this.probe = undefined;
    if (prev && !prev.acked) this.failed(prev);
    if (startNext) this.start();
  }

  private start(): void {
    const h = this.h;
    const table = h.states.table;
    const id = this.order.pick(
      h.rng,
      () => table.liveOthers().map((r) => r.actorId),
      (x) => {
        const s = table.get(x)?.state;
        return s === 'alive' || s === 'suspect';
      },
    );
    const target = id && table.get(id);
    if (!target) return;
    const seq = h.nextSeq();
    this.probe = {
      seq,
      target: target.actorId,
      startedMs: h.clock.now(),
      expectedNacks: 0,
      nacks: 0,
      acked: false,
    };
    h.counters.probes++;
    const msgs: Uint8Array[] = [];
    // Lifeguard buddy system: tell a suspect it is suspected, so it refutes on this very ping.
    if (h.cfg.buddySystem && target.state === 'suspect') {
      msgs.push(
        encodeMessage({ type: 'suspect', id: target.actorId, incarnation: target.incarnation, from: h.self }),
      );
    }
    msgs.push(encodeMessage({ type: 'ping', seq, target: target.actorId }));
    h.send(target.addr, msgs);
    h.schedule({ kind: 'probe-timeout', token: 0, seq }, h.awareness.scale(h.cfg.probeTimeoutMs));
  }

  /** The direct ack is overdue: ask `indirectChecks` alive members to probe the target. */
  timeout(seq: number): void {
    const h = this.h;
    const p = this.probe;
    if (!p || p.seq !== seq || p.acked) return;
    const target = h.states.table.get(p.target);
    if (!target) return;
    const helpers = pickRandom(
      h.rng,
      h.states.table.liveOthers(),
      h.cfg.indirectChecks,
      (r) => r.actorId === p.target || r.state !== 'alive',
    );
    const req = encodeMessage({
      type: 'ping-req',
      seq: p.seq,
      target: p.target,
      targetAddr: target.addr,
      nack: true,
    });
    for (const m of helpers) h.send(m.addr, [req]);
    p.expectedNacks = helpers.length;
    h.counters.indirectProbes += helpers.length;
  }

  private failed(p: PendingProbe): void {
    const h = this.h;
    h.counters.probeFailures++;
    // Lifeguard: missing nacks mean this node's own links or CPU are the likely problem.
    const missing = p.expectedNacks > 0 ? Math.max(0, p.expectedNacks - p.nacks) : 1;
    h.awareness.apply(missing);
    const target = h.states.table.get(p.target);
    if (target && target.state !== 'dead' && target.state !== 'left') {
      h.states.suspect(target.actorId, target.incarnation, h.self);
    }
  }

  /** An ack: completes our probe, or is forwarded to the requester of a relayed ping-req. */
  ack(seq: number, sender: ActorId): void {
    const h = this.h;
    const p = this.probe;
    if (p && p.seq === seq) {
      if (p.acked) return;
      p.acked = true;
      h.awareness.apply(-1);
      const target = h.states.table.get(p.target);
      // Only a direct ack measures the path to the target; a relayed one went through a helper.
      if (target && sender === p.target)
        target.srttMs = smoothRtt(target.srttMs, h.clock.now() - p.startedMs);
      return;
    }
    const relay = this.relays.get(seq);
    if (relay && !relay.done) {
      relay.done = true;
      this.relays.delete(seq);
      h.send(relay.requesterAddr, [encodeMessage({ type: 'ack', seq: relay.requesterSeq })]);
    }
  }

  /** A nack from a helper: it is alive, so the missing ack is less likely our own fault. */
  nack(seq: number): void {
    if (this.probe && this.probe.seq === seq) this.probe.nacks++;
  }

  /** Another member asks us to probe `target`. Bounded by `maxPendingIndirect`. */
  pingReq(seq: number, target: ActorId, targetAddr: string, wantNack: boolean, from: string): void {
    const h = this.h;
    if (target === h.self) {
      // Asked to probe ourselves: answer directly, we are evidently alive.
      h.send(from, [encodeMessage({ type: 'ack', seq })]);
      return;
    }
    if (this.relays.size >= h.cfg.maxPendingIndirect) {
      h.counters.droppedRelayLimit++;
      return;
    }
    const mySeq = h.nextSeq();
    this.relays.set(mySeq, { requesterAddr: from, requesterSeq: seq, wantNack, done: false });
    h.send(targetAddr, [encodeMessage({ type: 'ping', seq: mySeq, target })]);
    h.schedule({ kind: 'relay-timeout', token: 0, seq: mySeq }, h.cfg.probeTimeoutMs);
  }

  /** A relayed ping-req got no ack in time: nack the requester if it asked. */
  relayTimeout(seq: number): void {
    const relay = this.relays.get(seq);
    if (!relay) return;
    this.relays.delete(seq);
    if (!relay.done && relay.wantNack) {
      this.h.send(relay.requesterAddr, [encodeMessage({ type: 'nack', seq: relay.requesterSeq })]);
    }
  }
}
