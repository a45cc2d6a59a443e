import { describe, expect, it } from 'vitest';
import { findHost, PlacementRequestError, rankHosts } from '../../src/placement/find-host.js';
import { FleetFixture } from '../dns/fleet-fixture.js';

const LAT: Record<string, number> = {
  'fra|ams': 8,
  'fra|iad': 45,
  'ams|iad': 40,
  'fra|syd': 160,
  'ams|syd': 165,
  'iad|syd': 115,
};
const latency = (a: string, b: string): number =>
  a === b ? 1 : (LAT[`${a}|${b}`] ?? LAT[`${b}|${a}`] ?? 999);

function fleet(): FleetFixture {
  const f = new FleetFixture();
  const h = (id: string, region: string, mem: number, cpus: number, state = 'up'): void =>
    f.host(id, region, { memory_mb_free: mem, cpus_free: cpus, state });
  h('fra-1', 'fra', 512, 1);
  h('fra-2', 'fra', 4096, 8, 'draining');
  h('ams-1', 'ams', 2048, 4);
  h('ams-2', 'ams', 8192, 2);
  h('iad-1', 'iad', 16384, 16);
  h('syd-1', 'syd', 65536, 64);
  return f;
}

describe('placement', () => {
  const f = fleet();
  const deps = { query: f.query, latency };

  it('prefers a host in the wanted region when one fits', async () => {
    expect((await findHost({ region: 'fra', memoryMb: 256, cpus: 1 }, deps))?.id).toBe('fra-1');
  });

  it('falls back to the nearest region; draining hosts are never picked', async () => {
    // fra-1 is too small, fra-2 is draining: ams (8 ms) beats iad (45 ms) and syd.
    expect((await rankHosts({ region: 'fra', memoryMb: 1024, cpus: 2 }, deps)).map((h) => h.id)).toEqual([
      'ams-2',
      'ams-1',
      'iad-1',
      'syd-1',
    ]);
  });

  it('checks both memory and CPUs', async () => {
    // ams-2 has the memory but only 2 CPUs.
    expect((await rankHosts({ region: 'ams', memoryMb: 1024, cpus: 3 }, deps)).map((h) => h.id)).toEqual([
      'ams-1',
      'iad-1',
      'syd-1',
    ]);
  });

  it('spread puts the most free memory first, pack the tightest fit', async () => {
    const spread = await rankHosts({ region: 'ams', memoryMb: 1024, cpus: 1 }, deps);
    const pack = await rankHosts({ region: 'ams', memoryMb: 1024, cpus: 1, strategy: 'pack' }, deps);
    expect(spread.slice(0, 2).map((h) => h.id)).toEqual(['ams-2', 'ams-1']);
    expect(pack.slice(0, 2).map((h) => h.id)).toEqual(['ams-1', 'ams-2']);
  });

  it('maxDistanceMs and liveness narrow the choice; nothing fits gives null', async () => {
    expect(
      (await rankHosts({ region: 'fra', memoryMb: 1024, cpus: 1, maxDistanceMs: 50 }, deps)).map((h) => h.id),
    ).toEqual(['ams-2', 'ams-1', 'iad-1']);
    const liveness = (id: string): boolean => !id.startsWith('ams');
    expect((await findHost({ region: 'fra', memoryMb: 1024, cpus: 1 }, { ...deps, liveness }))?.id).toBe(
      'iad-1',
    );
    expect(await findHost({ region: 'fra', memoryMb: 1_000_000, cpus: 1 }, deps)).toBeNull();
  });

  it('with no latency known, hosts order by region code, then by strategy', async () => {
    const got = await rankHosts({ region: 'xyz', memoryMb: 256, cpus: 1 }, { query: f.query });
    expect(got.map((h) => h.id)).toEqual(['ams-2', 'ams-1', 'fra-1', 'iad-1', 'syd-1']);
  });

  it('rejects sizes that are not positive integers', async () => {
    await expect(rankHosts({ region: 'fra', memoryMb: 0, cpus: 1 }, deps)).rejects.toThrow(
      PlacementRequestError,
    );
    await expect(rankHosts({ region: 'fra', memoryMb: 256, cpus: 0.5 }, deps)).rejects.toThrow('cpus');
  });
});

describe('placement with the built-in world matrix', () => {
  it('falls back from a full region to its nearest neighbour', async () => {
    const f = new FleetFixture();
    f.host('fra-1', 'fra', { memory_mb_free: 128, cpus_free: 1 });
    f.host('dub-1', 'dub', { memory_mb_free: 4096, cpus_free: 4 });
    f.host('iad-1', 'iad', { memory_mb_free: 4096, cpus_free: 4 });
    f.host('syd-1', 'syd', { memory_mb_free: 4096, cpus_free: 4 });
    // Frankfurt -> Dublin ~20 ms, Ashburn ~89 ms, Sydney ~324 ms round trip.
    const got = await rankHosts({ region: 'fra', memoryMb: 512, cpus: 1 }, { query: f.query });
    expect(got.map((h) => h.id)).toEqual(['dub-1', 'iad-1', 'syd-1']);
  });
});
