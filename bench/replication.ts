// Replication benchmark: 5 agent processes on loopback (sealed UDP gossip, WebRTC channels).
// - commit-to-visible-everywhere latency (p50, p99) at 10, 100 and 1000 writes/s (spread over
//   the 5 nodes), against the SWIM-measured RTT between the same processes as baseline;
// - bytes on the wire per changeset (UDP, sealed, minus the idle membership traffic measured
//   in the same run; and replication payload bytes);
// - anti-entropy catch-up rate of a node restarted after kill -9 while others wrote.
// Run: npm run bench:replication

import { loadavg } from 'node:os';
import {
  type AgentProcess,
  clusterDirs,
  killAll,
  spawnAgent,
  waitUntil,
} from '../test/agent/process-cluster.js';
import { type Figure, newResult, printResult, summarize, writeResult } from './lib/result.js';

const N = 5;
const RATES = [10, 100, 1000];
const DURATION_MS: Record<number, number> = { 10: 10_000, 100: 5000, 1000: 3000 };

type Ev = Record<string, unknown>;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

async function sumMetric(procs: AgentProcess[], pick: (m: Record<string, Record<string, number>>) => number) {
  const all = await Promise.all(procs.map((p) => p.call({ cmd: 'metrics' })));
  return all.reduce((s, r) => s + pick(r.metrics as Record<string, Record<string, number>>), 0);
}

async function main(): Promise<void> {
  const dirs = clusterDirs();
  const procs: AgentProcess[] = [];
  const figures: Figure[] = [];
  const skipped: { name: string; reason: string }[] = [];
  try {
    const spawn = (i: number, addr: string, bootstrap: string[]) =>
      spawnAgent({ dataDir: dirs.dir(i), addr, bootstrap, keyHex: dirs.keyHex });
    procs.push(await spawn(0, '127.0.0.1:0', []));
    const first = procs[0] as AgentProcess;
    procs.push(...(await Promise.all([1, 2, 3, 4].map((i) => spawn(i, '127.0.0.1:0', [first.addr])))));
    const allAlive = async () =>
      (await Promise.all(procs.map((p) => p.call({ cmd: 'members' })))).every((r) => r.alive === N);
    if (!(await waitUntil(allAlive, 60_000))) throw new Error('cluster did not form');
    await new Promise((r) => setTimeout(r, 3000)); // let RTT estimates settle

    // Baseline: round-trip times measured by SWIM probes between these processes.
    const rtts = (await Promise.all(procs.map((p) => p.call({ cmd: 'rtt' })))).flatMap(
      (r) => r.rtts as number[],
    );
    const rttSummary = summarize(rtts.length ? rtts : [Number.NaN]);

    // Baseline 2: how quickly an agent process answers at all on this machine right now (a
    // stdin -> stdout round trip through its event loop), which bounds any latency figure
    // on a loaded host.
    const ipc: number[] = [];
    for (let k = 0; k < 20; k++) {
      for (const p of procs) {
        const t = performance.now();
        await p.call({ cmd: 'members' });
        ipc.push(performance.now() - t);
      }
    }
    const ipcSummary = summarize(ipc);

    // Idle traffic (membership only), for the bytes-per-changeset baseline.
    const idleMs = 3000;
    const udp = (m: Record<string, Record<string, number>>) => m.membership?.bytesOut ?? 0;
    const idle0 = await sumMetric(procs, udp);
    await new Promise((r) => setTimeout(r, idleMs));
    const idleBytesPerMs = ((await sumMetric(procs, udp)) - idle0) / idleMs;

    for (const rate of RATES) {
      const duration = DURATION_MS[rate] as number;
      const perNode = rate / N;
      const count = Math.round((perNode * duration) / 1000);
      const interval = 1000 / perNode;
      const applied = new Map<string, number[]>(); // key -> apply times on peers
      const acks: Ev[] = [];
      const listeners = procs.map(() => (e: Ev) => {
        if (e.ev === 'applied')
          for (const k of e.keys as string[]) {
            const list = applied.get(k) ?? [];
            list.push(e.at as number);
            applied.set(k, list);
          }
        else if (e.ev === 'ack') acks.push(e);
      });
      // Route events: the helper keeps events in an array; poll it by length.
      const seen = procs.map((p) => p.events.length);
      const pump = setInterval(() => {
        procs.forEach((p, i) => {
          for (; (seen[i] as number) < p.events.length; seen[i] = (seen[i] as number) + 1)
            listeners[i]?.(p.events[seen[i] as number] as Ev);
        });
      }, 20);
      await Promise.all(procs.map((p) => p.call({ cmd: 'watch', on: true })));
      const udp0 = await sumMetric(procs, udp);
      const repl0 = await sumMetric(procs, (m) => m.replication?.bytesSent ?? 0);
      const t0 = Date.now();
      const base = rate * 1_000_000;
      await Promise.all(
        procs.map((p, i) =>
          p.call(
            { cmd: 'stream', from: base + i * 100_000, count, intervalMs: interval },
            duration * 20 + 60_000,
          ),
        ),
      );
      const everywhere = () =>
        acks.length === count * N && acks.every((a) => (applied.get(a.key as string)?.length ?? 0) >= N - 1);
      await waitUntil(everywhere, 60_000);
      const t1 = Date.now();
      clearInterval(pump);
      await Promise.all(procs.map((p) => p.call({ cmd: 'watch', on: false })));
      const udpBytes = (await sumMetric(procs, udp)) - udp0 - idleBytesPerMs * (t1 - t0);
      const replBytes = (await sumMetric(procs, (m) => m.replication?.bytesSent ?? 0)) - repl0;
      const lat: number[] = [];
      let incomplete = 0;
      for (const a of acks) {
        const times = applied.get(a.key as string) ?? [];
        if (times.length < N - 1) incomplete++;
        else lat.push(Math.max(...times) - (a.at as number));
      }
      lat.sort((x, y) => x - y);
      const firstT0 = Math.min(...acks.map((a) => a.t0 as number));
      const lastAt = Math.max(...acks.map((a) => a.at as number));
      const achieved = (acks.length / Math.max(1, lastAt - firstT0)) * 1000;
      const note = `SWIM probe RTT p50 ${rttSummary.median.toFixed(1)} ms; load average ${loadavg()[0]?.toFixed(1)} on 2 cores; ${acks.length} changesets from ${N} writers, achieved ${achieved.toFixed(0)} writes/s; ${incomplete} not visible everywhere within 60 s`;
      const s = lat.length
        ? summarize(lat)
        : { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
      const baseline = {
        name: 'agent process IPC round trip',
        median: ipcSummary.median,
        min: ipcSummary.min,
        max: ipcSummary.max,
      };
      figures.push({
        name: `commit->visible on all 4 peers p50 @${rate}/s`,
        unit: 'ms',
        ...s,
        baseline,
        ratio: s.median / ipcSummary.median,
        note,
      });
      const p99 = quantile(lat, 0.99);
      figures.push({
        name: `commit->visible on all 4 peers p99 @${rate}/s`,
        unit: 'ms',
        median: p99,
        min: p99,
        max: p99,
        runs: lat.length,
        baseline,
        ratio: p99 / ipcSummary.median,
        note,
      });
      figures.push({
        name: `UDP bytes per changeset @${rate}/s`,
        unit: 'bytes',
        median: udpBytes / acks.length,
        min: udpBytes / acks.length,
        max: udpBytes / acks.length,
        runs: 1,
        baseline: {
          name: 'idle membership bytes/s (subtracted)',
          median: idleBytesPerMs * 1000,
          min: idleBytesPerMs * 1000,
          max: idleBytesPerMs * 1000,
        },
        note: `all ${N} nodes' sealed UDP bytes during the run minus idle membership traffic, per changeset; replication payload ${(replBytes / acks.length).toFixed(0)} bytes/changeset (gossip + push + channel)`,
      });
      console.log(`rate ${rate}/s done: p50 ${s.median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${note}`);
    }

    // Anti-entropy catch-up after kill -9 and restart.
    const victim = procs[N - 1] as AgentProcess;
    const victimAddr = victim.addr;
    victim.kill9();
    await waitUntil(() => victim.exited, 10_000);
    const missed = 2000;
    await (procs[0] as AgentProcess).call(
      { cmd: 'stream', from: 9_000_000, count: missed, intervalMs: 0 },
      300_000,
    );
    const streamAcks = (procs[0] as AgentProcess).events.filter(
      (e) => e.ev === 'ack' && (e.id as number) >= 9_000_000,
    );
    const localRate =
      (streamAcks.length /
        Math.max(
          1,
          Math.max(...streamAcks.map((e) => e.at as number)) -
            Math.min(...streamAcks.map((e) => e.t0 as number)),
        )) *
      1000;
    const target = ((await (procs[0] as AgentProcess).call({ cmd: 'dump' })).count as number) ?? 0;
    await waitUntil(
      async () => ((await (procs[1] as AgentProcess).call({ cmd: 'dump' })).count as number) >= target,
      60_000,
    );
    const tRestart = Date.now();
    const restarted = await spawn(N - 1, victimAddr, [first.addr]);
    procs[N - 1] = restarted;
    const tReady = Date.now();
    const ok = await waitUntil(
      async () => ((await restarted.call({ cmd: 'dump' })).count as number) >= target,
      120_000,
    );
    const tDone = Date.now();
    const m = (await restarted.call({ cmd: 'metrics' })).metrics as { replication: Record<string, number> };
    const pulled = m.replication.syncPulled ?? 0;
    const catchUp = (pulled / Math.max(1, tDone - tReady)) * 1000;
    figures.push({
      name: 'anti-entropy catch-up after restart',
      unit: 'changesets/s',
      median: catchUp,
      min: catchUp,
      max: catchUp,
      runs: 1,
      baseline: {
        name: 'local write rate of those changesets at the writer',
        median: localRate,
        min: localRate,
        max: localRate,
      },
      ratio: catchUp / localRate,
      note: `${missed} single-row changesets written while the node was down; pulled ${pulled} in ${tDone - tReady} ms after ready (process start ${tReady - tRestart} ms)${ok ? '' : ' (DID NOT COMPLETE)'}`,
    });
  } finally {
    killAll(procs);
    dirs.cleanup();
  }
  const result = newResult('replication', figures);
  if (skipped.length) result.skipped = skipped;
  printResult(result);
  console.log(`written to ${writeResult(result)}`);
}

await main();
