import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { MemoryNetwork, type MemoryNetworkOptions } from '../../src/transport/memory-network.js';

function setup(opts: MemoryNetworkOptions = {}, seed = 1) {
  const sched = new VirtualScheduler();
  const net = new MemoryNetwork(sched, seededRng(seed), opts);
  const a = net.bind('10.0.0.1:1');
  const b = net.bind('10.0.0.2:1');
  const c = net.bind('10.0.0.3:1');
  const got = { a: [] as number[], b: [] as number[], c: [] as number[] };
  a.onPacket((_f, p) => got.a.push(p[0]! * 256 + p[1]!));
  b.onPacket((_f, p) => got.b.push(p[0]! * 256 + p[1]!));
  c.onPacket((_f, p) => got.c.push(p[0]! * 256 + p[1]!));
  const pkt = (i: number) => Uint8Array.from([i >> 8, i & 255]);
  return { sched, net, a, b, c, got, pkt };
}

describe('MemoryNetwork', () => {
  it('applies per-link latency in virtual time', () => {
    const { sched, a, got, pkt } = setup({
      latencyMs: (f, t) => (f === '10.0.0.1:1' && t === '10.0.0.2:1' ? 70 : 5),
    });
    a.send('10.0.0.2:1', pkt(1));
    a.send('10.0.0.3:1', pkt(2));
    sched.runFor(69);
    expect(got.b).toEqual([]);
    expect(got.c).toEqual([2]);
    sched.runFor(1);
    expect(got.b).toEqual([1]);
  });

  it('loses about lossRate of the packets and counts them', () => {
    const { sched, net, a, got, pkt } = setup({ lossRate: 0.3 });
    for (let i = 0; i < 2000; i++) a.send('10.0.0.2:1', pkt(i));
    sched.runFor(100);
    expect(got.b.length).toBeGreaterThan(1200);
    expect(got.b.length).toBeLessThan(1600);
    expect(net.stats('10.0.0.1:1').packetsDropped).toBe(2000 - got.b.length);
    expect(net.stats('10.0.0.1:1').packetsSent).toBe(2000);
    expect(net.stats('10.0.0.2:1').packetsReceived).toBe(got.b.length);
  });

  it('duplicates about duplicateRate of the packets', () => {
    const { sched, a, got, pkt } = setup({ duplicateRate: 0.5 });
    for (let i = 0; i < 1000; i++) a.send('10.0.0.2:1', pkt(i));
    sched.runFor(100);
    expect(got.b.length).toBeGreaterThan(1400);
    expect(got.b.length).toBeLessThan(1600);
    expect(new Set(got.b).size).toBe(1000);
  });

  it('reorders with jitter or reorderRate, and without them keeps order', () => {
    const inOrder = setup();
    for (let i = 0; i < 100; i++) inOrder.a.send('10.0.0.2:1', inOrder.pkt(i));
    inOrder.sched.runFor(100);
    expect(inOrder.got.b).toEqual([...Array(100).keys()]);
    const re = setup({ reorderRate: 0.2, reorderDelayMs: 10 });
    for (let i = 0; i < 100; i++) re.a.send('10.0.0.2:1', re.pkt(i));
    re.sched.runFor(100);
    expect(re.got.b).not.toEqual([...Array(100).keys()]);
    expect([...re.got.b].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
  });

  it('symmetric and one-way partitions, then heal', () => {
    const { sched, net, a, b, got, pkt } = setup();
    net.partition(['10.0.0.1:1'], ['10.0.0.2:1']);
    a.send('10.0.0.2:1', pkt(1));
    b.send('10.0.0.1:1', pkt(2));
    a.send('10.0.0.3:1', pkt(3));
    sched.runFor(10);
    expect([got.a, got.b, got.c]).toEqual([[], [], [3]]);
    net.heal();
    net.partition(['10.0.0.1:1'], ['10.0.0.2:1'], true);
    a.send('10.0.0.2:1', pkt(4));
    b.send('10.0.0.1:1', pkt(5));
    sched.runFor(10);
    expect([got.a, got.b]).toEqual([[5], []]);
    net.heal();
    a.send('10.0.0.2:1', pkt(6));
    sched.runFor(10);
    expect(got.b).toEqual([6]);
  });

  it('a packet in flight when a partition starts is lost', () => {
    const { sched, net, a, got, pkt } = setup({ latencyMs: () => 50 });
    a.send('10.0.0.2:1', pkt(1));
    sched.runFor(10);
    net.partition(['10.0.0.1:1'], ['10.0.0.2:1']);
    sched.runFor(100);
    expect(got.b).toEqual([]);
  });

  it('pause holds packets until resume; drop loses them both ways', () => {
    const { sched, net, a, b, got, pkt } = setup();
    net.pause('10.0.0.2:1');
    a.send('10.0.0.2:1', pkt(1));
    b.send('10.0.0.1:1', pkt(2));
    sched.runFor(100);
    expect(got.b).toEqual([]);
    expect(got.a).toEqual([2]);
    net.resume('10.0.0.2:1');
    expect(got.b).toEqual([1]);
    net.drop('10.0.0.2:1');
    a.send('10.0.0.2:1', pkt(3));
    b.send('10.0.0.1:1', pkt(4));
    sched.runFor(100);
    expect(got.b).toEqual([1]);
    expect(got.a).toEqual([2]);
    net.undrop('10.0.0.2:1');
    a.send('10.0.0.2:1', pkt(5));
    sched.runFor(100);
    expect(got.b).toEqual([1, 5]);
  });

  it('bounds the packets held for a paused node', () => {
    const { sched, net, a, got, pkt } = setup({ maxPausedPackets: 10 });
    net.pause('10.0.0.2:1');
    for (let i = 0; i < 50; i++) a.send('10.0.0.2:1', pkt(i));
    sched.runFor(10);
    net.resume('10.0.0.2:1');
    expect(got.b).toHaveLength(10);
    expect(net.stats('10.0.0.2:1').packetsDropped).toBe(40);
  });

  it('drops packets above maxPacketBytes and copies what it delivers', () => {
    const { sched, net, a, b } = setup({ maxPacketBytes: 100 });
    const seen: Uint8Array[] = [];
    b.onPacket((_f, p) => seen.push(p));
    const buf = new Uint8Array(50);
    a.send('10.0.0.2:1', new Uint8Array(101));
    a.send('10.0.0.2:1', buf);
    buf.fill(9);
    sched.runFor(10);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe(0);
    expect(net.stats('10.0.0.2:1').bytesReceived).toBe(50);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const s = setup({ lossRate: 0.2, jitterMs: 20, duplicateRate: 0.1 }, seed);
      for (let i = 0; i < 200; i++) s.a.send('10.0.0.2:1', s.pkt(i));
      s.sched.runFor(100);
      return s.got.b;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('refuses to bind an address twice and picks free ports for :0', () => {
    const { net } = setup();
    expect(() => net.bind('10.0.0.1:1')).toThrow(/already bound/);
    const x = net.bind('10.0.0.1:0');
    const y = net.bind('10.0.0.1:0');
    expect(x.localAddr).not.toBe(y.localAddr);
  });
});
