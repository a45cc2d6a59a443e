import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import type { ActorId } from '../../src/store/types.js';
import { ChannelPool } from '../../src/sync/channel-pool.js';
import type { Channel } from '../../src/transport/channel.js';
import { MemoryChannelNetwork } from '../../src/transport/channel-memory.js';

const id = (c: string) => c.repeat(32) as ActorId;

function setup(maxChannels = 4, channelIdleMs = 10_000) {
  const sched = new VirtualScheduler();
  const net = new MemoryChannelNetwork(sched, { latencyMs: () => 5 });
  const runtime = { clock: sched.clock, rng: seededRng(1), scheduler: sched };
  const received = new Map<ActorId, Uint8Array[]>();
  const pool = (self: ActorId) => {
    const got: Uint8Array[] = [];
    received.set(self, got);
    return new ChannelPool(
      self,
      net.factory(self),
      runtime,
      { maxChannels, channelIdleMs },
      (ch) => ch.onMessage((m) => got.push(m)),
      () => {},
    );
  };
  return { sched, net, pool, received };
}

function acquire(p: ChannelPool, peer: ActorId): { ch: Channel | undefined | 'pending' } {
  const box: { ch: Channel | undefined | 'pending' } = { ch: 'pending' };
  p.acquire(peer, (ch) => {
    box.ch = ch;
  });
  return box;
}

describe('channel pool', () => {
  it('reuses one channel per peer, and concurrent acquires share one open', () => {
    const { sched, net, pool } = setup();
    const a = pool(id('a'));
    pool(id('b'));
    const x = acquire(a, id('b'));
    const y = acquire(a, id('b'));
    sched.runFor(100);
    expect(x.ch).toBeDefined();
    expect(x.ch).toBe(y.ch);
    a.release(id('b'));
    a.release(id('b'));
    const z = acquire(a, id('b'));
    expect(z.ch).toBe(x.ch);
    expect(net.channelsOpened).toBe(1);
  });

  it('closes a channel left idle for channelIdleMs', () => {
    const { sched, pool } = setup(4, 1000);
    const a = pool(id('a'));
    pool(id('b'));
    const x = acquire(a, id('b'));
    sched.runFor(100);
    a.release(id('b'));
    expect(a.size).toBe(1);
    sched.runFor(2000);
    expect(a.size).toBe(0);
    expect((x.ch as Channel).isOpen).toBe(false);
  });

  it('at the bound closes the least recently used idle channel, and refuses when all are busy', () => {
    const { sched, pool } = setup(2);
    const a = pool(id('a'));
    for (const c of ['b', 'c', 'd', 'e']) pool(id(c));
    const b = acquire(a, id('b'));
    sched.runFor(50);
    const c = acquire(a, id('c'));
    sched.runFor(50);
    a.release(id('b'));
    const d = acquire(a, id('d'));
    sched.runFor(50);
    expect((b.ch as Channel).isOpen).toBe(false);
    expect((c.ch as Channel).isOpen && (d.ch as Channel).isOpen).toBe(true);
    const e = acquire(a, id('e'));
    sched.runFor(50);
    expect(e.ch).toBeUndefined();
    expect(a.size).toBe(2);
  });

  it('when both ends open at once, both keep the same channel (opened by the lower actor id)', () => {
    const { sched, pool, received } = setup();
    const a = pool(id('a'));
    const b = pool(id('b'));
    const fromA = acquire(a, id('b'));
    const fromB = acquire(b, id('a'));
    sched.runFor(100);
    const ca = fromA.ch as Channel;
    const cb = fromB.ch as Channel;
    expect(ca?.isOpen).toBe(true);
    expect(cb?.isOpen).toBe(true);
    expect(a.size).toBe(1);
    expect(b.size).toBe(1);
    ca.send(new Uint8Array([1]));
    cb.send(new Uint8Array([2]));
    sched.runFor(100);
    expect(received.get(id('b'))?.map((m) => m[0])).toEqual([1]);
    expect(received.get(id('a'))?.map((m) => m[0])).toEqual([2]);
  });
});
