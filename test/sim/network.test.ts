import { describe, expect, it } from 'vitest';
import { rttMs } from '../../src/regions/latency.js';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { SimConfigError } from '../../src/sim/errors.js';
import type { NetworkConfig } from '../../src/sim/network-config.js';
import { networkConfig } from '../../src/sim/network-config.js';
import { SimNodeRuntime } from '../../src/sim/node-runtime.js';
import { SimNetwork } from '../../src/sim/sim-network.js';

function twoNodes(
  config: Partial<NetworkConfig> = {},
  regions: [string, string] = ['iad', 'syd'],
  copyPackets = false,
) {
  const sim = new VirtualScheduler(0);
  const net = new SimNetwork(sim, seededRng(1), { jitterMs: 0, ...config }, { copyPackets });
  net.addNode(0, regions[0]);
  net.addNode(1, regions[1]);
  const a = net.attach(0, (fn) => fn());
  const b = net.attach(1, (fn) => fn());
  const got: { at: number; from: string; bytes: number[] }[] = [];
  b.onPacket((from, p) => got.push({ at: sim.now(), from, bytes: [...p] }));
  return { sim, net, a, b, got };
}

describe('simulated network', () => {
  it('delivers after the one-way latency of the region pair, copying the bytes with copyPackets', () => {
    const { sim, a, b, got } = twoNodes({}, ['iad', 'syd'], true);
    const buf = new Uint8Array([1, 2, 3]);
    a.send(b.localAddr, buf);
    buf[0] = 9;
    sim.runFor(1000);
    expect(got).toEqual([{ at: rttMs('iad', 'syd') / 2, from: a.localAddr, bytes: [1, 2, 3] }]);
  });

  it('hands the sent buffer itself to the receiver without copyPackets', () => {
    const { sim, a, b } = twoNodes();
    const seen: Uint8Array[] = [];
    b.onPacket((_from, p) => seen.push(p));
    const buf = new Uint8Array([1, 2, 3]);
    a.send(b.localAddr, buf);
    sim.runFor(1000);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(buf);
  });

  it('loses about the configured fraction and counts it', () => {
    const { sim, net, a, b, got } = twoNodes({ lossRate: 0.3 });
    for (let i = 0; i < 2000; i++) a.send(b.localAddr, new Uint8Array([i & 255]));
    sim.runFor(1000);
    const lost = net.traffic(0).lost;
    expect(lost + got.length).toBe(2000);
    expect(lost / 2000).toBeGreaterThan(0.25);
    expect(lost / 2000).toBeLessThan(0.35);
  });

  it('duplicates and reorders when asked', () => {
    const { sim, net, a, b, got } = twoNodes({ duplicateRate: 0.5, reorderRate: 0.5, reorderDelayMs: 200 });
    for (let i = 0; i < 200; i++) a.send(b.localAddr, new Uint8Array([i]));
    sim.runFor(5000);
    expect(got.length).toBe(200 + net.traffic(0).duplicated);
    expect(net.traffic(0).duplicated).toBeGreaterThan(50);
    const order = got.map((g) => g.bytes[0] as number);
    expect(order.some((v, i) => i > 0 && v < (order[i - 1] as number))).toBe(true);
  });

  it('cuts one direction only in an asymmetric partition, then heals', () => {
    const { sim, net, a, b, got } = twoNodes();
    const back: number[] = [];
    a.onPacket(() => back.push(1));
    net.partitions.cut('x', [0], [1], true);
    a.send(b.localAddr, new Uint8Array([1]));
    b.send(a.localAddr, new Uint8Array([2]));
    sim.runFor(1000);
    expect(got).toHaveLength(0);
    expect(back).toHaveLength(1);
    expect(net.traffic(0).partitioned).toBe(1);
    net.partitions.heal('x');
    a.send(b.localAddr, new Uint8Array([3]));
    sim.runFor(1000);
    expect(got).toHaveLength(1);
  });

  it('serialises packets through a capped uplink and tail-drops beyond the queue bound', () => {
    const { sim, net, a, b, got } = twoNodes({ bandwidthBytesPerSec: 1000, uplinkQueueBytes: 500 }, [
      'iad',
      'iad',
    ]);
    for (let i = 0; i < 10; i++) a.send(b.localAddr, new Uint8Array(100));
    expect(net.traffic(0).queueDrops).toBe(5);
    expect(net.uplinkQueue(0).size).toBe(500);
    sim.runFor(2000);
    expect(got).toHaveLength(5);
    // The fifth packet leaves the uplink after 5 x 100 ms, then crosses the region (1 ms).
    expect(got[4]?.at).toBeCloseTo(501, 6);
    expect(net.uplinkQueue(0).size).toBe(0);
  });

  it('buffers packets for a paused node (bounded) and delivers them on resume', () => {
    const { sim, net, a, b, got } = twoNodes({ pausedBufferPackets: 3 }, ['iad', 'iad']);
    net.pause(1);
    for (let i = 0; i < 5; i++) a.send(b.localAddr, new Uint8Array([i]));
    sim.runFor(100);
    expect(got).toHaveLength(0);
    expect(net.traffic(1).bufferDrops).toBe(2);
    net.resume(1);
    expect(got.map((g) => g.bytes[0])).toEqual([0, 1, 2]);
  });

  it('delays every packet to a slow node by its ingress delay', () => {
    const { sim, net, a, b, got } = twoNodes({}, ['iad', 'iad']);
    net.setIngressDelay(1, 1500);
    expect(net.isSlow(1)).toBe(true);
    a.send(b.localAddr, new Uint8Array([1]));
    net.setIngressDelay(1, 0);
    a.send(b.localAddr, new Uint8Array([2]));
    sim.runFor(5000);
    expect(got.map((g) => [g.bytes[0], g.at])).toEqual([
      [2, 1],
      [1, 1501],
    ]);
  });

  it('drops everything to and from a detached (crashed) node', () => {
    const { sim, net, a, b, got } = twoNodes();
    a.send(b.localAddr, new Uint8Array([1]));
    net.detach(1);
    sim.runFor(1000);
    expect(got).toHaveLength(0);
  });

  it('rejects invalid fault settings with a named error', () => {
    expect(() => networkConfig({ lossRate: 1 })).toThrow(SimConfigError);
    expect(() => networkConfig({ jitterMs: -1 })).toThrow(/jitterMs must be >= 0/);
  });
});

describe('node runtime', () => {
  it('defers timers while paused, runs them on resume, and voids them all on crash', () => {
    const sim = new VirtualScheduler(0);
    const errors: unknown[] = [];
    const rt = new SimNodeRuntime(sim, seededRng(1), (e) => errors.push(e));
    const fired: string[] = [];
    rt.scheduler.after(10, () => fired.push('a'));
    rt.scheduler.after(20, () => {
      throw new Error('boom');
    });
    rt.pause();
    sim.runFor(50);
    expect(fired).toEqual([]);
    rt.resume();
    expect(fired).toEqual(['a']);
    expect(errors).toHaveLength(1);
    rt.scheduler.after(10, () => fired.push('b'));
    rt.crash();
    rt.scheduler.after(10, () => fired.push('c'));
    sim.runFor(50);
    expect(fired).toEqual(['a']);
  });
});
