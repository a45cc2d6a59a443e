import { describe, expect, it } from 'vitest';
import { MembershipConfigError, resolveConfig } from '../../src/membership/config.js';
import { MembershipUsageError } from '../../src/membership/errors.js';
import { createMembership, Membership } from '../../src/membership/membership.js';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { AddressError } from '../../src/transport/address.js';
import { MemoryNetwork } from '../../src/transport/memory-network.js';
import { TEST_KEY } from './cluster.js';

describe('Membership API', () => {
  it('start() binds UDP on port 0, reports the bound address, and two nodes join', async () => {
    const fast = { probeIntervalMs: 200, probeTimeoutMs: 100, gossipIntervalMs: 50, joinRetryBaseMs: 50 };
    const a = await Membership.start({ addr: '127.0.0.1:0', keys: [TEST_KEY], ...fast });
    const b = await Membership.start({
      addr: '127.0.0.1:0',
      keys: [TEST_KEY],
      bootstrap: [a.localAddr],
      ...fast,
    });
    try {
      expect(a.localAddr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(a.localAddr).not.toBe('127.0.0.1:0');
      for (let i = 0; i < 200 && a.members().filter((m) => m.state === 'alive').length < 2; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(
        a
          .members()
          .map((m) => m.actorId)
          .sort(),
      ).toEqual([a.actorId, b.actorId].sort());
      expect(a.metrics.packetsIn).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('rejects misuse with named errors that say what to do', async () => {
    await expect(Membership.start({ addr: 'nonsense', keys: [TEST_KEY] })).rejects.toThrow(AddressError);
    await expect(Membership.start({ addr: '127.0.0.1:0' })).rejects.toThrow(/plaintext: true/);
    await expect(
      Membership.start({ addr: '127.0.0.1:0', keys: [TEST_KEY], actorId: 'xyz' as never }),
    ).rejects.toThrow(MembershipUsageError);
    expect(() => resolveConfig('lan', { probeTimeoutMs: 2000 })).toThrow(MembershipConfigError);
    expect(() => resolveConfig('lan', { maxPacketBytes: 100 })).toThrow(/576/);
    expect(() => resolveConfig('nope' as never)).toThrow(/unknown preset/);
  });

  it('generates the actor id from the injected rng (deterministic) and honours presets', () => {
    const make = () => {
      const sched = new VirtualScheduler();
      const net = new MemoryNetwork(sched, seededRng(1));
      return createMembership({
        transport: net.bind('10.0.0.1:1'),
        runtime: { clock: sched.clock, rng: seededRng(42), scheduler: sched },
        plaintext: true,
        preset: 'wan',
        meta: { region: 'ams' },
      });
    };
    const a = make();
    const b = make();
    expect(a.actorId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.actorId).toBe(b.actorId);
    expect(a.config.probeIntervalMs).toBe(5000);
    expect(a.members()).toEqual([
      { actorId: a.actorId, addr: '10.0.0.1:1', state: 'alive', incarnation: 0, meta: { region: 'ams' } },
    ]);
    expect(a.keyring).toBeUndefined();
  });

  it('advertises advertiseAddr instead of the bound address when given', () => {
    const sched = new VirtualScheduler();
    const net = new MemoryNetwork(sched, seededRng(1));
    const rt = { clock: sched.clock, rng: seededRng(1), scheduler: sched };
    const m = createMembership({
      transport: net.bind('10.0.0.1:1'),
      runtime: rt,
      plaintext: true,
      advertiseAddr: '192.0.2.7:7946',
    });
    expect(m.members()[0]!.addr).toBe('192.0.2.7:7946');
    expect(() =>
      createMembership({
        transport: net.bind('10.0.0.2:1'),
        runtime: rt,
        plaintext: true,
        advertiseAddr: 'x',
      }),
    ).toThrow(MembershipUsageError);
  });

  it('after close, sends are refused and setMeta throws', async () => {
    const sched = new VirtualScheduler();
    const net = new MemoryNetwork(sched, seededRng(1));
    const m = createMembership({
      transport: net.bind('10.0.0.1:1'),
      runtime: { clock: sched.clock, rng: seededRng(1), scheduler: sched },
      keys: [TEST_KEY],
    });
    await m.close();
    await m.close();
    expect(m.broadcast(new Uint8Array(1))).toBe(false);
    expect(() => m.setMeta({})).toThrow(MembershipUsageError);
    await expect(m.leave()).resolves.toBeUndefined();
  });

  it('a throwing change listener does not break the node', async () => {
    const sched = new VirtualScheduler();
    const net = new MemoryNetwork(sched, seededRng(1));
    const rt = (s: number) => ({ clock: sched.clock, rng: seededRng(s), scheduler: sched });
    const a = createMembership({ transport: net.bind('10.0.0.1:1'), runtime: rt(1), plaintext: true });
    const b = createMembership({
      transport: net.bind('10.0.0.2:1'),
      runtime: rt(2),
      plaintext: true,
      bootstrap: ['10.0.0.1:1'],
    });
    const errors: unknown[] = [];
    const onErr = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onErr);
    let calls = 0;
    a.on('change', () => {
      calls++;
      throw new Error('listener bug');
    });
    sched.runFor(5000);
    await new Promise((r) => setTimeout(r, 10));
    process.off('uncaughtException', onErr);
    expect(calls).toBeGreaterThan(0);
    expect(errors.length).toBe(calls);
    expect(a.members().find((m) => m.actorId === b.actorId)?.state).toBe('alive');
  });
});
