import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import { SimConfigError } from '../../src/sim/errors.js';
import { parseScenarioJson } from '../../src/sim/scenario.js';
import { buildScenario, SCENARIO_NAMES } from '../../src/sim/scenarios.js';

const defaults = {
  nodes: 10,
  initialNodes: 10,
  durationMs: 10_000,
  healMs: 5_000,
  writesPerSec: 1,
  network: {},
  regions: ['iad'],
};

describe('scenario files', () => {
  it('fills missing fields from the defaults and sorts events by time', () => {
    const s = parseScenarioJson(
      JSON.stringify({
        events: [
          { at: 5000, do: 'heal' },
          { at: 1000, do: 'crash', nodes: [2] },
        ],
      }),
      defaults,
    );
    expect(s.nodes).toBe(10);
    expect(s.events.map((e) => e.at)).toEqual([1000, 5000]);
  });

  it('rejects bad input with a named error that points at the field', () => {
    const bad: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['[]', /JSON object with an "events" array/],
      ['{"events": [{"at": 1, "do": "explode", "nodes": []}]}', /events\[0\]: unknown action "explode"/],
      ['{"events": [{"at": 1, "do": "crash", "nodes": [10]}]}', /events\[0\]: node 10 is not in \[0, 10\)/],
      ['{"events": [{"at": 99999, "do": "heal"}]}', /at must be in \[0, durationMs\]/],
      ['{"events": [], "network": {"lossRate": 2}}', /lossRate must be in \[0, 1\)/],
      ['{"events": [], "regions": ["mars"]}', /unknown region "mars"/],
      [
        '{"events": [{"at": 1, "do": "slow", "nodes": [1], "ingressDelayMs": -5}]}',
        /ingressDelayMs must be >= 0/,
      ],
    ];
    for (const [text, msg] of bad) {
      expect(() => parseScenarioJson(text, defaults)).toThrow(SimConfigError);
      expect(() => parseScenarioJson(text, defaults)).toThrow(msg);
    }
  });

  it('builds every built-in scenario deterministically from the seed, never faulting node 0', () => {
    for (const name of SCENARIO_NAMES) {
      const opts = {
        nodes: name === 'swarm' ? undefined : 30,
        durationMs: 60_000,
        healMs: 1000,
        writesPerSec: 1,
        regions: ['iad'],
      };
      const a = buildScenario(name, opts, seededRng(5));
      const b = buildScenario(name, opts, seededRng(5));
      expect(b).toEqual(a);
      for (const e of a.events)
        if ('nodes' in e && e.do !== 'join' && e.do !== 'restart') expect(e.nodes).not.toContain(0);
    }
    const swarms = new Set(
      [1, 2, 3, 4, 5].map((s) =>
        JSON.stringify(
          buildScenario(
            'swarm',
            { durationMs: 60_000, healMs: 1, writesPerSec: 1, regions: ['iad'] },
            seededRng(s),
          ),
        ),
      ),
    );
    expect(swarms.size).toBe(5);
  });
});
