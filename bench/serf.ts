/**
 * Membership beside Serf (hashicorp/memberlist underneath), N processes on loopback, same
 * LAN settings, same run: time for a join to be seen by all, time for a `kill -9` to be seen
 * by all, false suspicions, bytes per node per second.
 *
 * Serf agents bind 127.0.0.(10+i):7946. The benchmark asks a new agent to join over Serf's
 * RPC. Join and failure times come from each agent's log lines "serf: EventMemberJoin: NAME"
 * and "serf: EventMemberFailed: NAME", timestamped on arrival (the RPC event stream would
 * add the agent's event coalescing delay of 1-3 s, which is not membership's). Bytes come from
 * memberlist's own counters (`memberlist.udp.sent` + `memberlist.tcp.sent`, every byte it
 * wrote to a socket) reported over statsd to a sink per agent. Suspicions come from each
 * agent's log line "Suspect NAME has failed, no acks received" (memberlist logs it each time
 * a probe of NAME gets no ack).
 *
 * Run: npm run bench -- serf
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorroMemberNode } from './lib/corro-member.js';
import { type BenchOptions, runIfMain } from './lib/main.js';
import {
  type ExperimentSamples,
  type ExperimentSize,
  type MemberNode,
  runExperiment,
} from './lib/membership-experiment.js';
import { killAll } from './lib/processes.js';
import { type BenchResult, type Figure, newResult } from './lib/result.js';
import { ensureSerf, SerfAgent, serfVersion } from './lib/serf-agent.js';
import { compared, figure } from './lib/stats.js';

/** Experiment sizes: full and quick. */
export function size(quick: boolean): ExperimentSize {
  return quick
    ? { nodes: 4, cycles: 1, quietMs: 3000, boundMs: 30_000 }
    : { nodes: 10, cycles: 5, quietMs: 10_000, boundMs: 60_000 };
}

function serfNode(a: SerfAgent): MemberNode {
  return {
    name: a.name,
    gossipAddr: a.bindAddr,
    join: async (addrs) => {
      await a.rpc.join(addrs);
    },
    sawAt: (event, member, since) => a.sawAt(event === 'join' ? 'Join' : 'Failed', member, since),
    suspicions: () => a.suspected,
    sentBytes: () => a.sentBytes(),
    kill: () => a.kill(),
    close: () => a.close(),
  };
}

/** Runs N Serf agents through the experiment, packets encrypted with one shared key. */
export async function runSerf(sz: ExperimentSize): Promise<ExperimentSamples> {
  const dir = mkdtempSync(join(tmpdir(), 'corro-bench-serf-'));
  const started: MemberNode[] = [];
  const key = randomBytes(32).toString('base64');
  try {
    return await runExperiment(
      (name, i) => SerfAgent.start(name, `127.0.0.${10 + i}`, dir, key).then(serfNode),
      sz,
      started,
      (s) => console.log(`serf: ${s}`),
    );
  } finally {
    for (const n of started) n.close();
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs N corro membership processes through the experiment, packets sealed with one shared key. */
export async function runCorro(sz: ExperimentSize): Promise<ExperimentSamples> {
  const started: MemberNode[] = [];
  const names = new Map<string, string>();
  const key = randomBytes(32).toString('hex');
  try {
    return await runExperiment(
      async (name, i) => {
        const n = await CorroMemberNode.spawn(name, `127.0.1.${10 + i}:7946`, key, names);
        // The first node is the seed: it starts alone; the others start when asked to join.
        if (i === 0) await n.join([]);
        return n;
      },
      sz,
      started,
      (s) => console.log(`corro: ${s}`),
    );
  } finally {
    for (const n of started) n.close();
    await killAll();
  }
}

/** Figures of one implementation's samples, labelled with `impl`. */
export function experimentFigures(impl: string, s: ExperimentSamples, sz: ExperimentSize): Figure[] {
  const figs: Figure[] = [];
  const g = `${sz.nodes} processes on 127.0.0.x, LAN settings`;
  if (s.joinSeenByAllMs.length)
    figs.push(figure('join seen by all', 'ms', s.joinSeenByAllMs, { group: g, impl }));
  if (s.killSeenByAllMs.length)
    figs.push(figure('kill -9 seen by all (declared failed)', 'ms', s.killSeenByAllMs, { group: g, impl }));
  figs.push(
    figure('bytes sent per node per second', 'B/node/s', s.bytesPerNodePerSec, {
      group: g,
      impl,
      note: `quiet windows of ${sz.quietMs / 1000} s between joins and kills`,
    }),
    figure('false suspicions', 'count', [s.falseSuspicions], {
      group: g,
      impl,
      note: `suspicions of live nodes over ${Math.round(s.observedNodeSeconds)} node-seconds`,
    }),
  );
  if (s.timeouts.length)
    figs.push(
      figure('events not seen by all within the bound', 'count', [s.timeouts.length], {
        group: g,
        impl,
        note: s.timeouts.join('; '),
      }),
    );
  return figs;
}

/** corro's figures divided by Serf's, from the same run. */
export function comparisonFigures(corro: ExperimentSamples, serf: ExperimentSamples): Figure[] {
  const g = `corro against Serf (ratio = corro / Serf; lower is better for all three)`;
  const impl = 'corro Membership, preset lan';
  const out: Figure[] = [];
  if (corro.joinSeenByAllMs.length && serf.joinSeenByAllMs.length)
    out.push(
      compared(
        'join seen by all',
        'ms',
        corro.joinSeenByAllMs,
        { name: 'Serf', samples: serf.joinSeenByAllMs },
        { group: g, impl },
      ),
    );
  if (corro.killSeenByAllMs.length && serf.killSeenByAllMs.length)
    out.push(
      compared(
        'kill -9 seen by all',
        'ms',
        corro.killSeenByAllMs,
        { name: 'Serf', samples: serf.killSeenByAllMs },
        {
          group: g,
          impl,
          goal: 'no worse than memberlist at equal settings',
        },
      ),
    );
  out.push(
    compared(
      'bytes sent per node per second',
      'B/node/s',
      corro.bytesPerNodePerSec,
      { name: 'Serf', samples: serf.bytesPerNodePerSec },
      { group: g, impl },
    ),
  );
  return out;
}

/** Runs the comparison; see the module comment. */
export async function run(opts: BenchOptions): Promise<BenchResult> {
  const sz = size(opts.quick);
  const result = newResult('serf');
  result.title = `membership: corro vs Serf, ${sz.nodes} processes each on loopback, same run`;
  result.command = 'npm run bench -- serf';
  result.skipped = [];
  result.notes = [];
  const corroImpl = 'corro Membership, preset lan';
  const corro = await runCorro(sz);
  result.figures.push(...experimentFigures(corroImpl, corro, sz));
  result.notes.push(
    'corro: one Node process per node (bench/lib/corro-member-child.ts) on 127.0.1.(10+i):7946, Membership.start with preset lan (memberlist LAN defaults, Lifeguard on) and AES-256-GCM sealing.',
    "corro join and failure times: from the start request (the node binds and joins through the seed) or the SIGKILL until the last live node emitted change 'up' ('down') for it; corro bytes: the node's own bytesOut counter (every packet handed to the socket, seal included); corro suspicions: change events of kind 'suspect' naming a node that was not killed (or before its kill).",
  );
  const missing = ensureSerf();
  if (missing) {
    result.skipped.push({ name: 'Serf', reason: missing });
  } else {
    const version = serfVersion();
    const s = await runSerf(sz);
    const serfImpl = 'Serf (memberlist), -profile=lan';
    result.figures.push(...experimentFigures(serfImpl, s, sz));
    result.figures.push(...comparisonFigures(corro, s));
    result.notes.push(
      `Serf ${version}, one agent process per node on 127.0.0.(10+i):7946, -profile=lan, -encrypt with a 32-byte key (AES-GCM, as corro seals) (probe 1 s, probe timeout 500 ms, 3 indirect probes, gossip 200 ms to 3, suspicion multiplier 4, awareness 8).`,
      "Serf join and failure times: from the RPC join request (or the SIGKILL) until the last live agent logged 'serf: EventMemberJoin: NAME' ('EventMemberFailed'), which Serf logs when memberlist notifies it, before the agent's event coalescing (1 s quiet, up to 3 s) that its RPC stream and event handlers see; arrival time stamped by the benchmark process.",
      "Serf bytes: memberlist's own counters memberlist.udp.sent + memberlist.tcp.sent, sent by each agent over statsd to a per-agent sink; divided by live nodes and window length.",
      "Serf suspicions: log lines 'Suspect NAME has failed, no acks received' naming a node that was not killed (or before it was killed); memberlist prints one per failed probe, so one suspicion episode can count more than once.",
    );
  }
  result.notes.push(
    `Each cycle: one node joins through the seed, a quiet window, one older node gets kill -9, a quiet window; ${sz.cycles} cycles; every wait bounded at ${sz.boundMs / 1000} s.`,
    'Figures were taken on a shared 2-core machine while other engineers ran test suites; processes compete for CPU, which mostly inflates spreads.',
  );
  if (opts.quick) result.notes.push('QUICK smoke run: tiny cluster, one cycle; not a real figure.');
  return result;
}

await runIfMain(import.meta.url, run);
