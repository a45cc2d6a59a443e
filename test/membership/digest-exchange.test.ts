import { describe, expect, it } from 'vitest';
import { actorIdToBytes } from '../../src/membership/actor-id.js';
import { resolveConfig } from '../../src/membership/config.js';
import { MembershipCore } from '../../src/membership/core.js';
import { decodeMessage, encodeMessage, type Message } from '../../src/membership/messages.js';
import type { MembershipTimer } from '../../src/membership/timers.js';
import { seededRng } from '../../src/runtime/rng.js';
import type { ActorId } from '../../src/store/types.js';
import { Keyring } from '../../src/transport/keyring.js';
import { Sealer } from '../../src/transport/seal.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/transport/wire-codec.js';
import { fakeId, KEY } from './core-harness.js';

/** Two (or more) real cores wired by hand: packets wait in `wire` until delivered. */
interface Peer {
  core: MembershipCore;
  id: ActorId;
  addr: string;
  timers: MembershipTimer[];
}
interface Packet {
  from: string;
  to: string;
  packet: Uint8Array;
}

const sealer = new Sealer('corro', new Keyring(KEY));
const now = { ms: 1_000_000 };

function peer(idByte: number, wire: Packet[], maxPacketBytes = 1400): Peer {
  const id = fakeId(idByte);
  const addr = `10.1.0.${idByte}:1`;
  const p: Peer = { id, addr, timers: [], core: undefined as unknown as MembershipCore };
  p.core = new MembershipCore(
    {
      config: resolveConfig('lan', { maxPacketBytes }),
      actorId: id,
      addr,
      clusterName: 'corro',
      meta: {},
      bootstrap: [],
      sealer,
      clock: { now: () => now.ms },
      rng: seededRng(idByte),
    },
    {
      send: (to, packet) => wire.push({ from: addr, to, packet }),
      schedule: (timer) => p.timers.push(timer),
      notify: () => {},
    },
  );
  p.core.start();
  return p;
}

/** Delivers `msgs` to `p` as one packet from member `from`. */
function tell(p: Peer, from: ActorId, msgs: Message[]): void {
  const body = encodeEnvelope('corro', actorIdToBytes(from), msgs.map(encodeMessage));
  p.core.handlePacket('10.9.9.9:1', sealer.seal(body));
}

const alive = (id: ActorId, incarnation = 0): Message => ({
  type: 'alive',
  id,
  addr: `10.2.0.${id.slice(0, 2)}:1`,
  incarnation,
  meta: {},
});

function decode(packet: Uint8Array): Message[] {
  const o = sealer.open(packet);
  if (!o.ok) throw new Error('unopenable packet');
  const env = decodeEnvelope(o.body, 'corro');
  if (!env.ok) throw new Error('undecodable envelope');
  return env.envelope.messages.map((m) => {
    const d = decodeMessage(m, 512);
    if (!d.ok) throw new Error('undecodable message');
    return d.message;
  });
}

/** Delivers every packet on the wire (and those sent in answer) to the peers; returns what travelled. */
function deliverAll(peers: Peer[], wire: Packet[]): { packets: number; messages: Message[] } {
  let packets = 0;
  const messages: Message[] = [];
  while (wire.length > 0) {
    const p = wire.shift() as Packet;
    const to = peers.find((x) => x.addr === p.to);
    if (!to) continue;
    packets++;
    messages.push(...decode(p.packet));
    to.core.handlePacket(p.from, p.packet);
  }
  return { packets, messages };
}

/**
 * Fires `p`'s push-pull timer until its digest goes to `target` (digests to members without a
 * core are dropped); returns the traffic of that one round.
 */
function roundWith(p: Peer, target: Peer, peers: Peer[], wire: Packet[]) {
  for (let i = 0; i < 20_000; i++) {
    const t = p.timers.findIndex((x) => x.kind === 'push-pull');
    const timer = p.timers.splice(t, 1)[0] as MembershipTimer;
    p.core.handleTimer(timer);
    if (wire.some((x) => x.to === target.addr)) return deliverAll(peers, wire);
    wire.length = 0;
  }
  throw new Error('the target was never picked');
}

/** A member's (incarnation, state) as `p` sees it, or undefined. */
const view = (p: Peer) =>
  new Map(p.core.members().map((m) => [m.actorId, `${m.incarnation}/${m.state}`] as const));

const count = (ms: Message[], type: Message['type']) => ms.filter((m) => m.type === type).length;

function pair(shared: number) {
  const wire: Packet[] = [];
  const a = peer(201, wire);
  const b = peer(202, wire);
  tell(a, b.id, [{ ...alive(b.id), addr: b.addr } as Message]);
  tell(b, a.id, [{ ...alive(a.id), addr: a.addr } as Message]);
  for (let i = 1; i <= shared; i++) {
    tell(a, fakeId(i), [alive(fakeId(i))]);
    tell(b, fakeId(i), [alive(fakeId(i))]);
  }
  wire.length = 0;
  return { a, b, wire, peers: [a, b] };
}

describe('digest-gated push-pull between two cores', () => {
  it('views that differ converge after one digest round, exchanging only the differing buckets', () => {
    const { a, b, wire, peers } = pair(200);
    const [x, y, z, v] = [fakeId(100), fakeId(101), fakeId(102), fakeId(103)];
    tell(a, x, [alive(x)]); // only a knows x
    tell(b, z, [alive(z)]); // only b knows z
    tell(a, y, [alive(y, 2)]); // a saw y refute, b did not
    tell(b, y, [alive(y, 0)]);
    tell(a, v, [alive(v, 1)]); // b saw v die, a did not
    tell(b, v, [alive(v, 1), { type: 'dead', id: v, incarnation: 1, from: b.id }]);
    wire.length = 0;
    expect(view(a)).not.toEqual(view(b));

    const r = roundWith(a, b, peers, wire);
    // A remote death merges as a local suspicion (a gives v a chance to refute).
    expect(view(a).get(v)).toBe('1/suspect');
    const va = view(a);
    const vb = view(b);
    va.delete(v);
    vb.delete(v);
    expect(va).toEqual(vb);
    expect(vb.get(x)).toBe('0/alive');
    expect(va.get(z)).toBe('0/alive');
    expect(vb.get(y)).toBe('2/alive');
    // Only the differing buckets (at most 4 of 2^4) travelled: in both directions together,
    // fewer entries than one table holds (a full push-pull sends both tables, 2 x 204).
    const entries = r.messages.flatMap((m) => (m.type === 'digest-entries' ? m.entries : []));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(200);
    expect(r.messages.find((m) => m.type === 'digest')).toMatchObject({ bucketBits: 4 });
    expect(count(r.messages, 'push-pull')).toBe(0);
    expect(a.core.table.digest.buckets).not.toEqual(new Uint32Array(1024));
  });

  it('equal views cost one small packet and exchange no entries', () => {
    const { a, b, wire, peers } = pair(40);
    expect(view(a)).toEqual(view(b));
    const r = roundWith(a, b, peers, wire);
    expect(r.packets).toBe(1);
    expect(r.messages.map((m) => m.type)).toEqual(['digest']);
    const d = r.messages[0];
    // 42 members: 2^2 buckets of 4 bytes.
    expect(d?.type === 'digest' && d.digests.length).toBe(4);
  });

  it('answers back only to its own session (no amplification by forged replies)', () => {
    const { a, wire } = pair(5);
    tell(a, fakeId(1), [
      { type: 'digest-entries', session: 12345, bucketBits: 0, reply: true, buckets: [0], entries: [] },
    ]);
    expect(wire).toHaveLength(0);
  });

  it('beyond the entry bound a full push-pull goes instead, once, and repairs the whole view', () => {
    const { a, b, wire, peers } = pair(0);
    for (let i = 0; i < 600; i++) {
      const id = fakeId(0).slice(0, 28) + i.toString(16).padStart(4, '0');
      tell(a, id as ActorId, [alive(id as ActorId)]);
    }
    wire.length = 0;
    const r = roundWith(a, b, peers, wire);
    expect(a.core.counters.digestFullFallbacks).toBe(1);
    expect(b.core.counters.digestFullFallbacks).toBe(0);
    expect(count(r.messages, 'push-pull')).toBeGreaterThan(1);
    expect(view(b)).toEqual(view(a));
    expect(view(b).size).toBe(602);
  });

  it('splits digests over packets that fit maxPacketBytes, covering every bucket once', () => {
    const wire: Packet[] = [];
    const a = peer(201, wire, 576);
    for (let i = 0; i < 1100; i++) {
      const id = `${fakeId(0).slice(0, 28)}${i.toString(16).padStart(4, '0')}` as ActorId;
      tell(a, id, [alive(id)]);
    }
    wire.length = 0;
    const t = a.timers.findIndex((x) => x.kind === 'push-pull');
    a.core.handleTimer(a.timers.splice(t, 1)[0] as MembershipTimer);
    expect(wire.length).toBeGreaterThan(1);
    const covered: number[] = [];
    for (const p of wire) {
      expect(p.packet.length).toBeLessThanOrEqual(576);
      for (const m of decode(p.packet)) {
        expect(m).toMatchObject({ type: 'digest', bucketBits: 7 });
        if (m.type === 'digest') for (let i = 0; i < m.digests.length; i++) covered.push(m.first + i);
      }
    }
    expect(covered).toEqual(Array.from({ length: 128 }, (_, i) => i));
  });
});
