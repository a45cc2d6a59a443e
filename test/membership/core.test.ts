import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/membership/messages.js';
import { remainingSuspicionMs } from '../../src/membership/suspicion.js';
import { fakeId, makeCore } from './core-harness.js';

const kinds = (h: ReturnType<typeof makeCore>) =>
  h.notes.flatMap((n) =>
    n.type === 'change' ? [`${n.change.kind}:${n.change.member.actorId.slice(0, 2)}`] : [],
  );

describe('core: suspicion with Lifeguard confirmations', () => {
  it('starts at the maximum, shrinks with each new independent confirmation, then declares dead', () => {
    const h = makeCore();
    const [a, b, c, d] = h.addMembers(6);
    const n = h.core.table.liveCount();
    expect(n).toBe(7);
    const min = 4000; // 4 * max(1, log10(7)) * 1000
    const max = 6 * min;
    h.deliver(b!, '10.0.0.2:1', [{ type: 'suspect', id: a!, incarnation: 0, from: b! }]);
    expect(kinds(h)).toContain(`suspect:${a!.slice(0, 2)}`);
    const s = h.core.states.suspicion(a!)!;
    expect([s.expected, s.minMs, s.maxMs]).toEqual([2, min, max]);
    const t0 = h.now.ms;
    const last = () => h.timers.filter((t) => t.timer.kind === 'suspicion').at(-1)!;
    expect(last().at - t0).toBe(max);

    h.advance(1000);
    h.deliver(c!, '10.0.0.3:1', [{ type: 'suspect', id: a!, incarnation: 0, from: c! }]);
    expect(last().at - t0).toBe(1000 + remainingSuspicionMs(1, 2, 1000, min, max));
    // A repeated confirmer and the originator do not count.
    const before = h.timers.length;
    h.deliver(c!, '10.0.0.3:1', [{ type: 'suspect', id: a!, incarnation: 0, from: c! }]);
    h.deliver(b!, '10.0.0.2:1', [{ type: 'suspect', id: a!, incarnation: 0, from: b! }]);
    expect(h.timers.length).toBe(before);
    expect(s.count).toBe(1);

    h.advance(1000);
    h.deliver(d!, '10.0.0.4:1', [{ type: 'suspect', id: a!, incarnation: 0, from: d! }]);
    expect(last().at - t0).toBe(min);
    h.advance(min - 2000 - 1);
    expect(kinds(h)).not.toContain(`down:${a!.slice(0, 2)}`);
    h.advance(1);
    expect(kinds(h)).toContain(`down:${a!.slice(0, 2)}`);
    // The death is gossiped.
    h.advance(500);
    expect(h.sent.some((p) => p.messages.some((m) => m.type === 'dead' && m.id === a))).toBe(true);
  });

  it('an alive message with a higher incarnation cancels the suspicion (the old timer is stale)', () => {
    const h = makeCore();
    const [a, b] = h.addMembers(4);
    h.deliver(b!, '10.0.0.2:1', [{ type: 'suspect', id: a!, incarnation: 0, from: b! }]);
    const timer = h.timers.find((t) => t.timer.kind === 'suspicion')!.timer;
    h.deliver(a!, '10.0.0.1:1', [{ type: 'alive', id: a!, addr: '10.0.0.1:1', incarnation: 1, meta: {} }]);
    h.core.handleTimer(timer);
    expect(kinds(h).filter((k) => k.endsWith(a!.slice(0, 2)))).toEqual([
      `up:${a!.slice(0, 2)}`,
      `suspect:${a!.slice(0, 2)}`,
      `up:${a!.slice(0, 2)}`,
    ]);
    expect(h.core.members().find((m) => m.actorId === a)).toMatchObject({ state: 'alive', incarnation: 1 });
  });

  it('ignores news with an older incarnation', () => {
    const h = makeCore();
    const [a, b] = h.addMembers(3);
    h.deliver(a!, '10.0.0.1:1', [{ type: 'alive', id: a!, addr: '10.0.0.1:1', incarnation: 5, meta: {} }]);
    h.deliver(b!, '10.0.0.2:1', [
      { type: 'suspect', id: a!, incarnation: 4, from: b! },
      { type: 'dead', id: a!, incarnation: 3, from: b! },
    ]);
    expect(h.core.members().find((m) => m.actorId === a)).toMatchObject({ state: 'alive', incarnation: 5 });
  });
});

describe('core: stale views are corrected', () => {
  it('a suspicion at an older incarnation is answered with the newer alive, straight to its sender', () => {
    const h = makeCore();
    const [a, b] = h.addMembers(3);
    h.deliver(a!, '10.0.0.1:1', [{ type: 'alive', id: a!, addr: '10.0.0.1:1', incarnation: 3, meta: {} }]);
    h.sent.length = 0;
    h.deliver(b!, '10.0.0.2:1', [{ type: 'suspect', id: a!, incarnation: 2, from: b! }]);
    expect(h.sent).toEqual([
      {
        to: '10.0.0.2:1',
        messages: [{ type: 'alive', id: a, addr: '10.0.0.1:1', incarnation: 3, meta: {} }],
      },
    ]);
    h.deliver(b!, '10.0.0.2:1', [{ type: 'dead', id: h.self, incarnation: 0, from: b! }]);
    expect(h.core.incarnation).toBe(1);
    h.sent.length = 0;
    h.deliver(b!, '10.0.0.2:1', [{ type: 'suspect', id: h.self, incarnation: 0, from: b! }]);
    expect(h.sent[0]).toMatchObject({
      to: '10.0.0.2:1',
      messages: [{ type: 'alive', id: h.self, incarnation: 1 }],
    });
    // A current claim gets no such answer.
    h.sent.length = 0;
    h.deliver(b!, '10.0.0.2:1', [{ type: 'suspect', id: a!, incarnation: 3, from: b! }]);
    expect(h.sent).toEqual([]);
  });
});

describe('core: refutation and the buddy system', () => {
  it('a suspicion about this node is refuted with a higher incarnation, and awareness rises', () => {
    const h = makeCore();
    const [a] = h.addMembers(3);
    h.deliver(a!, '10.0.0.1:1', [{ type: 'suspect', id: h.self, incarnation: 0, from: a! }]);
    expect(h.core.incarnation).toBe(1);
    expect(h.core.awareness.score).toBe(1);
    expect(h.core.counters.refutations).toBe(1);
    h.deliver(a!, '10.0.0.1:1', [{ type: 'dead', id: h.self, incarnation: 7, from: a! }]);
    expect(h.core.incarnation).toBe(8);
    h.advance(1000);
    const alive = h.sent.flatMap((p) => p.messages).filter((m) => m.type === 'alive' && m.id === h.self);
    expect(alive.at(-1)).toMatchObject({ incarnation: 8 });
  });

  it('a ping to a suspect carries the suspicion first (buddy system); not when it is off', () => {
    for (const buddySystem of [true, false]) {
      const h = makeCore({ buddySystem });
      const [a] = h.addMembers(4);
      h.deliver(fakeId(50), '10.0.0.50:1', [{ type: 'suspect', id: a!, incarnation: 0, from: fakeId(50) }]);
      // Let gossip use up the queued suspicion, so only the buddy system could add it to a ping.
      h.advance(400);
      h.sent.length = 0;
      const pingTo = () =>
        h.sent.find((p) => p.to === '10.0.0.1:1' && p.messages.some((m) => m.type === 'ping'));
      expect(h.stepUntil(() => pingTo() !== undefined)).toBe(true);
      const ping = pingTo()!;
      if (buddySystem) expect(ping.messages[0]).toMatchObject({ type: 'suspect', id: a });
      else expect(ping.messages.filter((m) => m.type === 'suspect' && m.id === a)).toHaveLength(0);
    }
  });
});

describe('core: probing and local health', () => {
  it('probe, ping-req to k members on timeout, suspicion and awareness = missing nacks', () => {
    const h = makeCore();
    const ids = h.addMembers(5);
    h.sent.length = 0;
    const pingPacket = () => h.sent.find((p) => p.messages.some((m) => m.type === 'ping'));
    expect(h.stepUntil(() => pingPacket() !== undefined)).toBe(true);
    const seq = (pingPacket()!.messages.find((m) => m.type === 'ping') as Extract<Message, { type: 'ping' }>)
      .seq;
    const reqs = () => h.sent.filter((p) => p.messages.some((m) => m.type === 'ping-req'));
    expect(h.stepUntil(() => reqs().length > 0)).toBe(true);
    expect(reqs()).toHaveLength(3);
    // One helper nacks, two say nothing: awareness grows by 2 when the probe ends.
    const helper = ids.find((id) => reqs()[0]!.to === `10.0.0.${parseInt(id.slice(0, 2), 16)}:1`)!;
    h.deliver(helper, reqs()[0]!.to, [{ type: 'nack', seq }]);
    expect(h.stepUntil(() => h.core.counters.probeFailures === 1)).toBe(true);
    expect(h.core.awareness.score).toBe(2);
    expect(kinds(h).some((k) => k.startsWith('suspect:'))).toBe(true);
  });

  it('an ack ends the probe, lowers awareness and measures RTT', () => {
    const h = makeCore();
    h.addMembers(1);
    h.deliver(fakeId(1), '10.0.0.1:1', [{ type: 'suspect', id: h.self, incarnation: 0, from: fakeId(1) }]);
    expect(h.core.awareness.score).toBe(1);
    h.sent.length = 0;
    const pingMsg = () =>
      h.sent.flatMap((p) => p.messages).find((m) => m.type === 'ping') as
        | Extract<Message, { type: 'ping' }>
        | undefined;
    expect(h.stepUntil(() => pingMsg() !== undefined)).toBe(true);
    h.advance(30);
    h.deliver(fakeId(1), '10.0.0.1:1', [{ type: 'ack', seq: pingMsg()!.seq }]);
    expect(h.core.awareness.score).toBe(0);
    expect(h.core.rttMs(fakeId(1))).toBe(30);
    expect(h.core.counters.probeFailures).toBe(0);
  });

  it('relays a ping-req: pings the target, forwards its ack, or nacks after the probe timeout', () => {
    const h = makeCore();
    const [a, b] = h.addMembers(2);
    h.sent.length = 0;
    h.deliver(a!, '10.0.0.1:1', [
      { type: 'ping-req', seq: 77, target: b!, targetAddr: '10.0.0.2:1', nack: true },
    ]);
    const ping = h.sent.at(-1)!;
    expect(ping.to).toBe('10.0.0.2:1');
    const relaySeq = (ping.messages.find((m) => m.type === 'ping') as Extract<Message, { type: 'ping' }>).seq;
    h.deliver(b!, '10.0.0.2:1', [{ type: 'ack', seq: relaySeq }]);
    expect(h.sent.at(-1)!.to).toBe('10.0.0.1:1');
    expect(h.sent.at(-1)!.messages[0]).toEqual({ type: 'ack', seq: 77 });
    h.deliver(a!, '10.0.0.1:1', [
      { type: 'ping-req', seq: 78, target: b!, targetAddr: '10.0.0.2:1', nack: true },
    ]);
    h.sent.length = 0;
    h.advance(500);
    expect(h.sent.find((p) => p.to === '10.0.0.1:1' && p.messages[0]?.type === 'nack')?.messages[0]).toEqual({
      type: 'nack',
      seq: 78,
    });
  });

  it('answers a ping only when it is the target', () => {
    const h = makeCore();
    const [a] = h.addMembers(1);
    h.sent.length = 0;
    h.deliver(a!, '10.0.0.1:1', [{ type: 'ping', seq: 5, target: fakeId(99) }]);
    expect(h.sent).toHaveLength(0);
    expect(h.core.counters.droppedInvalid).toBe(1);
    h.deliver(a!, '10.0.0.1:1', [{ type: 'ping', seq: 5, target: h.self }]);
    expect(h.sent[0]!.messages[0]).toEqual({ type: 'ack', seq: 5 });
  });
});

describe('core: bounds', () => {
  it('refuses members beyond maxMembers and counts them', () => {
    const h = makeCore({ maxMembers: 4 });
    h.addMembers(6);
    expect(h.core.members()).toHaveLength(4);
    expect(h.core.counters.droppedMemberLimit).toBe(3);
  });

  it('refuses ping-reqs beyond maxPendingIndirect', () => {
    const h = makeCore({ maxPendingIndirect: 2 });
    const [a, b] = h.addMembers(2);
    for (let i = 0; i < 5; i++) {
      h.deliver(a!, '10.0.0.1:1', [
        { type: 'ping-req', seq: i, target: b!, targetAddr: '10.0.0.2:1', nack: false },
      ]);
    }
    expect(h.core.counters.droppedRelayLimit).toBe(3);
  });

  it('broadcast refuses payloads above maxPayloadBytes and beyond the queue bound', () => {
    const h = makeCore({ maxQueuedBroadcasts: 3 });
    expect(h.core.maxPayloadBytes).toBeGreaterThan(1200);
    expect(h.core.broadcast(new Uint8Array(h.core.maxPayloadBytes + 1))).toBe(false);
    expect(h.core.broadcast(new Uint8Array(h.core.maxPayloadBytes))).toBe(true);
    expect(h.core.broadcast(new Uint8Array(1))).toBe(true);
    expect(h.core.broadcast(new Uint8Array(1), 'k')).toBe(true);
    expect(h.core.broadcast(new Uint8Array(2), 'k')).toBe(true);
    expect(h.core.broadcast(new Uint8Array(1))).toBe(false);
    expect(h.core.counters.broadcastsRefused).toBe(2);
  });

  it('a max-size payload fits one packet even with member news queued', () => {
    const h = makeCore();
    const [a] = h.addMembers(20);
    h.sent.length = 0;
    expect(h.core.sendTo(a!, new Uint8Array(h.core.maxPayloadBytes).fill(1))).toBe(true);
    const p = h.sent.at(-1)!;
    expect(p.messages[0]).toMatchObject({ type: 'user-direct' });
  });
});
