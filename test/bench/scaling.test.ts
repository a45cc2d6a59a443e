import { describe, expect, it } from 'vitest';
import { sizes } from '../../bench/crsqlite.js';
import { pickProtocol, simScalingSize } from '../../bench/scaling-sim.js';
import { scalingSize } from '../../bench/scaling-store.js';
import { size as serfSize } from '../../bench/serf.js';

describe('benchmark plans', () => {
  it('the simulator benchmark prefers the full agent, then replication, then broadcast dissemination', () => {
    expect(pickProtocol(['membership', 'swim', 'membership-broadcast'])).toBe('membership-broadcast');
    expect(pickProtocol(['membership-broadcast', 'agent'])).toBe('agent');
    expect(pickProtocol(['membership', 'replication'])).toBe('replication');
    expect(pickProtocol(['membership'])).toBeUndefined();
  });

  it('full runs measure what the issue asks: 10/100/1000 nodes, 10k/100k rows, 1/100/1000 updates', () => {
    const pts = simScalingSize(false).points;
    expect(new Set(pts.map((p) => p.nodes))).toEqual(new Set([10, 100, 1000]));
    // The real agent (store + replication) at every size.
    expect(pts.filter((p) => p.kind === 'full').map((p) => p.nodes)).toEqual([10, 100, 1000]);
    for (const p of pts) expect(p.maxWallS).toBeGreaterThan(0);
    const s = scalingSize(false);
    expect(s.checkpoints).toEqual([10_000, 100_000]);
    expect(s.historyPoints).toEqual([1, 100, 1000]);
    expect(s.batchRows).toBe(1000);
    expect(sizes(false).batchRows).toBe(1000);
    expect(sizes(false).runs).toBeGreaterThanOrEqual(3);
    expect(serfSize(false).cycles).toBeGreaterThanOrEqual(3);
  });

  it('every checkpoint holds whole timed windows of batches, in full and quick runs', () => {
    for (const q of [false, true]) {
      const s = scalingSize(q);
      for (const cp of s.checkpoints) {
        expect(cp % s.batchRows).toBe(0);
        expect(cp).toBeGreaterThanOrEqual(s.windowBatches * s.batchRows);
      }
      expect([...s.checkpoints].sort((a, b) => a - b)).toEqual(s.checkpoints);
      expect([...s.historyPoints].sort((a, b) => a - b)).toEqual(s.historyPoints);
    }
  });
});
