import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import type { ActorId } from '../../src/store/types.js';
import type { Channel } from '../../src/transport/channel.js';
import { MemoryChannelNetwork } from '../../src/transport/channel-memory.js';
import { channelContract } from './channel-contract.js';

const A = 'a'.repeat(32) as ActorId;
const B = 'b'.repeat(32) as ActorId;
const C = 'c'.repeat(32) as ActorId;

describe('in-memory channel (contract)', () => {
  channelContract(
    async () => {
      const sched = new VirtualScheduler();
      const net = new MemoryChannelNetwork(sched, { latencyMs: (f, t) => (f < t ? 3 : 11) });
      return {
        a: A,
        b: B,
        nobody: C,
        fa: net.factory(A),
        fb: net.factory(B),
        waitFor: async (pred, maxMs) => sched.runUntilTrue(pred, maxMs),
        largeBytes: 1024 * 1024,
      };
    },
    async () => {},
  );
});

describe('in-memory channel faults', () => {
  it('a send across a cut link closes both ends', () => {
    const sched = new VirtualScheduler();
    let cut = false;
    const net = new MemoryChannelNetwork(sched, { canReach: () => !cut });
    let ca: Channel | undefined;
    let cb: Channel | undefined;
    net.factory(B).onIncoming((ch) => {
      cb = ch;
    });
    net.factory(A).open(B, (ch) => {
      ca = ch;
    });
    sched.runFor(100);
    expect(ca?.isOpen && cb?.isOpen).toBe(true);
    cut = true;
    expect(ca?.send(new Uint8Array([1]))).toBe(false);
    sched.runFor(100);
    expect(ca?.isOpen).toBe(false);
    expect(cb?.isOpen).toBe(false);
  });

  it('closing a factory closes its channels', () => {
    const sched = new VirtualScheduler();
    const net = new MemoryChannelNetwork(sched);
    let cb: Channel | undefined;
    net.factory(B).onIncoming((ch) => {
      cb = ch;
    });
    let ca: Channel | undefined;
    net.factory(A).open(B, (ch) => {
      ca = ch;
    });
    sched.runFor(10);
    net.factory(A).close();
    sched.runFor(10);
    expect(ca?.isOpen).toBe(false);
    expect(cb?.isOpen).toBe(false);
  });
});
