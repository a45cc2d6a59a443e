/**
 * Membership benchmark (`npm run bench:membership`): writes bench/results/membership.json.
 *
 * Real processes (5 OS processes on 127.0.0.1, lan preset, sealed packets):
 *  - messages, packets and bytes sent per node per second in steady state;
 *  - time for all others to see a `kill -9` as dead (median of several runs), Lifeguard on,
 *    with Lifeguard off as the baseline measured in the same run.
 * Simulated (in-memory network, virtual time, the same code):
 *  - traffic per node against cluster size (goal: constant);
 *  - 100 nodes at 10% loss: false positives with Lifeguard on and off, and detection time;
 *  - simulator cost: real ms per simulated node-second at 1000 nodes.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LIFEGUARD_OFF } from '../src/membership/config.js';
import type { Membership } from '../src/membership/membership.js';
import { monotonicMs } from '../src/runtime/real-runtime.js';
import { makeCluster, stateOf, type TestCluster } from '../test/membership/cluster.js';
import { allSeeAll, NodeProcess, waitFor } from '../test/membership/processes.js';
import { writeDocs } from './lib/docs.js';
import { DOCS_PATH, DOCS_SKELETON } from './lib/docs-skeleton.js';
import { type Figure, newResult, printResult, RESULTS_DIR, summarize, writeResult } from './lib/result.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// A forced GC makes heap figures meaningful; the npm script cannot pass --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
const figures: Figure[] = [];
const skipped: { name: string; reason: string }[] = [];

function figure(name: string, unit: string, samples: number[], extra: Partial<Figure> = {}): Figure {
  const f: Figure = { name, unit, ...summarize(samples), ...extra };
  figures.push(f);
  return f;
}

// ---------------------------------------------------------------- real processes

async function withProcesses<T>(
  config: Record<string, unknown>,
  fn: (nodes: NodeProcess[], start: (a: Record<string, unknown>) => NodeProcess) => Promise<T>,
): Promise<T> {
  const key = randomBytes(32).toString('hex');
  const procs: NodeProcess[] = [];
  const start = (args: Record<string, unknown>) => {
    const p = new NodeProcess({ keyHex: key, reportMs: 20, config, ...args });
    procs.push(p);
    return p;
  };
  try {
    const first = start({});
    await first.ready;
    const rest = [1, 2, 3, 4].map(() => start({ bootstrap: [first.addr] }));
    await Promise.all(rest.map((p) => p.ready));
    const nodes = [first, ...rest];
    if (!(await waitFor(() => allSeeAll(nodes), 60_000))) throw new Error('5 processes did not converge');
    return await fn(nodes, start);
  } finally {
    for (const p of procs) p.kill();
  }
}

async function trafficAt5(): Promise<void> {
  await withProcesses({ joinRetryBaseMs: 200 }, async (nodes) => {
    // Let the join news run out of transmits, then measure a quiet steady state.
    await new Promise((r) => setTimeout(r, 5000));
    const windowMs = 10_000;
    const a = nodes.map((n) => ({ ...n.last!.metrics, t: n.last!.t }));
    await new Promise((r) => setTimeout(r, windowMs));
    const b = nodes.map((n) => ({ ...n.last!.metrics, t: n.last!.t }));
    const rate = (k: string) =>
      a.map(
        (x, i) =>
          (((b[i] as Record<string, number>)[k]! - (x as Record<string, number>)[k]!) * 1000) /
          (b[i]!.t - x.t),
      );
    const note =
      '5 OS processes on 127.0.0.1, lan preset, AES-256-GCM sealed; median over the 5 nodes of a 10 s steady-state window';
    figure('steady state: packets sent per node', 'packets/s', rate('packetsOut'), {
      note,
      goal: 'constant in cluster size',
    });
    figure('steady state: messages sent per node', 'messages/s', rate('messagesOut'), { note });
    figure('steady state: bytes sent per node', 'bytes/s', rate('bytesOut'), { note });
    figure('steady state: bytes received per node', 'bytes/s', rate('bytesIn'), { note });
  });
}

async function detection(config: Record<string, unknown>): Promise<number[]> {
  return withProcesses({ joinRetryBaseMs: 200, ...config }, async (nodes, start) => {
    const samples: number[] = [];
    let current = [...nodes];
    for (let run = 0; run < RUNS; run++) {
      const victim = current[1 + (run % 4)]!;
      const others = current.filter((n) => n !== victim);
      const t0 = Date.now();
      victim.kill();
      if (!(await waitFor(() => others.every((o) => o.view(victim.actorId)?.state === 'dead'), 60_000))) {
        throw new Error('kill -9 not detected within 60 s');
      }
      // The last observer's report time bounds the moment it saw the death (20 ms reports).
      samples.push(Math.max(...others.map((o) => o.last!.t)) - t0);
      const reborn = start({ actorId: victim.actorId, bootstrap: [others[0]!.addr] });
      await reborn.ready;
      current = [...others, reborn];
      if (!(await waitFor(() => allSeeAll(current), 60_000)))
        throw new Error('restarted node did not rejoin');
      await new Promise((r) => setTimeout(r, 2000));
    }
    return samples;
  });
}

// ---------------------------------------------------------------- simulated

/** Runs until every node lists every node alive, checking every 500 ms of virtual time. */
function converge(c: TestCluster, maxMs: number): boolean {
  const n = c.nodes.length;
  const done = () =>
    c.nodes.every((a) => a.metrics.liveMembers === n && a.members().every((m) => m.state === 'alive'));
  for (let t = 0; t < maxMs; t += 500) {
    if (done()) return true;
    c.sched.runFor(500);
  }
  return done();
}

function simTraffic(n: number): {
  packets: number;
  bytes: number;
  realMsPerNodeSecond: number;
  heapBytesPerNode: number;
} {
  const heap0 = heapUsed();
  const c = makeCluster(n, { seed: n, record: false, config: { joinRetryBaseMs: 200 } });
  if (!converge(c, 600_000)) throw new Error(`sim ${n} did not converge`);
  // Let the join news use up its transmits before measuring.
  c.sched.runFor(60_000);
  const before = c.nodes.map((x) => x.metrics);
  const windowMs = 120_000;
  const t0 = monotonicMs();
  c.sched.runFor(windowMs);
  const realMs = monotonicMs() - t0;
  const p = c.nodes.map((x, i) => ((x.metrics.packetsOut - before[i]!.packetsOut) * 1000) / windowMs);
  const b = c.nodes.map((x, i) => ((x.metrics.bytesOut - before[i]!.bytesOut) * 1000) / windowMs);
  return {
    packets: summarize(p).median,
    bytes: summarize(b).median,
    realMsPerNodeSecond: realMs / (n * (windowMs / 1000)),
    // Heap growth while the cluster is alive, per node, after a forced GC; it includes the
    // network's in-flight packets.
    heapBytesPerNode: (heapUsed() - heap0) / n,
  };
}

function lossyRun(lifeguard: boolean, seed: number): { falsePositives: number; detectMs: number } {
  const c = makeCluster(100, { seed, config: { joinRetryBaseMs: 200, ...(lifeguard ? {} : LIFEGUARD_OFF) } });
  if (!converge(c, 600_000)) throw new Error('lossy sim did not converge');
  c.net.conditions.lossRate = 0.1;
  c.changes.length = 0;
  c.sched.runFor(60_000);
  const victim = c.nodes[50]!;
  c.net.drop(victim.localAddr);
  const t0 = c.sched.now();
  const others = c.nodes.filter((x) => x !== victim);
  const ok = c.sched.runUntilTrue(
    () => others.every((o: Membership) => stateOf(o, victim) === 'dead'),
    300_000,
  );
  const detectMs = ok ? c.sched.now() - t0 : Number.NaN;
  c.sched.runFor(60_000);
  const falsePositives = c.changes.filter(
    (e) =>
      e.change.kind === 'down' && e.change.member.actorId !== victim.actorId && e.observer !== victim.actorId,
  ).length;
  return { falsePositives, detectMs };
}

async function main(): Promise<void> {
  console.log('membership bench: real processes ...');
  await trafficAt5();
  const on = await detection({});
  const off = await detection(LIFEGUARD_OFF as Record<string, unknown>);
  const offS = summarize(off);
  figure('kill -9 seen dead by all 4 others (Lifeguard on)', 'ms', on, {
    baseline: { name: 'Lifeguard off (fixed suspicion timeout)', ...offS },
    ratio: summarize(on).median / offS.median,
    goal: 'no worse than memberlist at equal settings',
    note: '5 OS processes, lan preset (probe 1 s, suspicion mult 4: minimum 4 s, maximum 24 s, 2 confirmations expected); memberlist itself (Go) cannot run here',
  });
  skipped.push({
    name: 'memberlist (Go) at equal settings',
    reason: 'no Go toolchain in this environment; Lifeguard-off corro is the same-run baseline',
  });

  console.log('membership bench: simulated ...');
  // Warm-up: load and compile everything once, so the first size's heap figure is not one-time cost.
  simTraffic(5);
  for (const n of [10, 50, 200]) {
    const t = simTraffic(n);
    const note =
      'in-memory network, virtual time, lan preset, sealed; median node over 120 s of steady state';
    figure(`sim: packets sent per node, ${n} nodes`, 'packets/s', [t.packets], {
      goal: 'constant in cluster size',
      note,
    });
    figure(`sim: bytes sent per node, ${n} nodes`, 'bytes/s', [t.bytes], { note });
    figure(`sim cost: real ms per simulated node-second, ${n} nodes`, 'ms', [t.realMsPerNodeSecond], {
      note: 'steady state, sealed packets, this machine (shared, loaded)',
    });
    figure(`sim memory: heap per node, ${n} nodes`, 'bytes', [t.heapBytesPerNode], {
      note: 'heapUsed growth / n after 3 min of virtual time, forced GC; each node holds all n members, so this grows with n',
    });
  }
  const fpOn: number[] = [];
  const fpOff: number[] = [];
  const detOn: number[] = [];
  const detOff: number[] = [];
  for (let s = 1; s <= 2; s++) {
    const a = lossyRun(true, s);
    const b = lossyRun(false, s);
    fpOn.push(a.falsePositives);
    fpOff.push(b.falsePositives);
    detOn.push(a.detectMs);
    detOff.push(b.detectMs);
  }
  const note100 =
    '100 simulated nodes, 10% packet loss on every link, lan preset, 60 s of loss then a crash and 60 s more; 2 seeds';
  figure('sim 100 nodes 10% loss: false "down" events (Lifeguard on)', 'events', fpOn, {
    baseline: { name: 'Lifeguard off', ...summarize(fpOff) },
    goal: 'no false positives with Lifeguard',
    note: note100,
  });
  figure('sim 100 nodes 10% loss: crash seen dead by all (Lifeguard on)', 'ms', detOn, {
    baseline: { name: 'Lifeguard off', ...summarize(detOff) },
    ratio: summarize(detOn).median / summarize(detOff).median,
    note: note100,
  });

  const result = newResult('membership', figures);
  result.skipped = skipped;
  printResult(result);
  console.log(`wrote ${writeResult(result)}`);
  writeDocs(RESULTS_DIR, DOCS_PATH, DOCS_SKELETON);
  console.log(`wrote ${DOCS_PATH}`);
}

await main();
