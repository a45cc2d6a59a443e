import { describe, expect, it } from 'vitest';
import { HostFleet, HostFullError } from '../../examples/host-fleet.js';
import { findHost } from '../../src/placement/find-host.js';
import { FleetFixture } from '../dns/fleet-fixture.js';

function setup(): { f: FleetFixture; host: HostFleet } {
  const f = new FleetFixture();
  const db = {
    exec: (sql: string, p?: readonly unknown[]) => f.db.prepare(sql).run(...(p ?? [])),
    query: f.query,
  };
  const host = new HostFleet(db, {
    hostId: 'fra-1',
    region: 'fra',
    cpusTotal: 4,
    memoryMbTotal: 1024,
    actorId: 'a1',
    now: () => 42,
  });
  return { f, host };
}

describe('HostFleet (the host agent example)', () => {
  it('publishes its host row with free capacity that follows its machines', async () => {
    const { f, host } = setup();
    await host.publishHost();
    const row = () =>
      f.db.prepare('SELECT * FROM hosts WHERE id = ?').get('fra-1') as Record<string, unknown>;
    expect(row()).toMatchObject({
      region: 'fra',
      actor_id: 'a1',
      cpus_free: 4,
      memory_mb_free: 1024,
      state: 'up',
    });
    const m = await host.startMachine({ app: 'web', cpus: 2, memoryMb: 512 });
    expect(row()).toMatchObject({ cpus_free: 2, memory_mb_free: 512, machines_count: 1 });
    await host.setMachineState(m.id, 'stopped');
    expect(row()).toMatchObject({ cpus_free: 2, machines_count: 1 });
    await host.destroyMachine(m.id);
    expect(row()).toMatchObject({ cpus_free: 4, memory_mb_free: 1024, machines_count: 0 });
  });

  it('hands out distinct addresses and refuses a machine that does not fit', async () => {
    const { host } = setup();
    const a = await host.startMachine({ app: 'web' });
    const b = await host.startMachine({ app: 'web' });
    expect(a.ipv6).not.toBe(b.ipv6);
    await expect(host.startMachine({ app: 'big', memoryMb: 4096 })).rejects.toThrow(HostFullError);
    expect((await host.machines()).map((m) => m.app)).toEqual(expect.arrayContaining(['web', 'web']));
    expect(await host.machines()).toHaveLength(2);
  });

  it('its rows are what placement reads', async () => {
    const { f, host } = setup();
    await host.startMachine({ app: 'web', cpus: 3, memoryMb: 256 });
    expect(await findHost({ region: 'fra', memoryMb: 256, cpus: 1 }, { query: f.query })).toMatchObject({
      id: 'fra-1',
      cpusFree: 1,
    });
    expect(await findHost({ region: 'fra', memoryMb: 256, cpus: 2 }, { query: f.query })).toBeNull();
  });

  it('leave() removes every row it owns and only those', async () => {
    const { f, host } = setup();
    f.machine('web', 'iad', { host_id: 'iad-1' });
    await host.startMachine({ app: 'web' });
    await host.leave();
    expect(f.db.prepare('SELECT host_id FROM machines').all()).toEqual([{ host_id: 'iad-1' }]);
    expect(f.db.prepare('SELECT * FROM hosts').all()).toEqual([]);
  });
});
