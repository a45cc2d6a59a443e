import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { MemoryNetwork } from '../../src/transport/memory-network.js';
import { UdpTransport } from '../../src/transport/udp-transport.js';
import { transportContract } from './transport-contract.js';

transportContract('MemoryNetwork', () => {
  const sched = new VirtualScheduler();
  const net = new MemoryNetwork(sched, seededRng(1), { latencyMs: () => 5, jitterMs: 3 });
  return {
    bind: async () => net.bind('10.1.0.1:0'),
    waitFor: async (cond) => sched.runUntilTrue(cond, 10_000),
    settle: async () => sched.runFor(1000),
    unboundAddr: '10.9.9.9:1',
  };
});

transportContract('UdpTransport (127.0.0.1)', () => ({
  bind: () => UdpTransport.bind('127.0.0.1:0'),
  waitFor: async (cond) => {
    // Real time on a shared machine: poll generously, bounded.
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    return cond();
  },
  settle: () => new Promise((r) => setTimeout(r, 100)),
  unboundAddr: '127.0.0.1:9',
}));
