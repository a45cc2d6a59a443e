/**
 * The demo's story: start the fleet, watch membership and the tables converge, resolve
 * `.internal` names on a node other than the writer, measure write-to-DNS time, crash a host
 * and watch its machines leave every answer, bring it back.
 * @packageDocumentation
 */
import type { Fleet } from './fleet.js';
import type { DemoView } from './view.js';

/** Thrown when the fleet does not reach a state in time; says what it waited for. */
export class DemoTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`timed out after ${(ms / 1000).toFixed(0)} s waiting for ${what}`);
    this.name = 'DemoTimeoutError';
  }
}

/** Figures the run measured. */
export interface DemoResult {
  /** Per round: ms from the write call on one host to the new address in another host's DNS answer. */
  readonly writeToDnsMs: number[];
  /** Per round: ms from the write call to the writer's acknowledgement (IPC + the local write). */
  readonly writeAckMs: number[];
  /** ms from `kill -9` to the crashed host's machines gone from every other node's answer. */
  readonly crashToGoneMs: number;
  /** ms from restart to its machines back in every node's answer. */
  readonly restartToBackMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` every `everyMs` until it holds; throws {@link DemoTimeoutError} after `timeoutMs`. */
export async function waitUntil(
  what: string,
  pred: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
  abort?: AbortSignal,
): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (abort?.aborted) throw new Error('interrupted');
    if (await pred()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new DemoTimeoutError(what, timeoutMs);
    await sleep(everyMs);
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
};
const fmt = (ms: number): string => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** Runs the scenario on a started fleet. */
export async function runScenario(
  fleet: Fleet,
  view: DemoView,
  rounds: number,
  abort: AbortSignal,
): Promise<DemoResult> {
  const n = fleet.specs.length;
  const host = (i: number): string => fleet.specs[i]?.hostId ?? `node${i}`;
  const refresh = async (print = false): Promise<void> => view.nodes(await fleet.rows(), print);

  view.step('membership: waiting for every agent to see all members alive');
  const tMembers = await waitUntil(
    `${n} alive members on every node`,
    async () => {
      const st = await fleet.statuses();
      await refresh();
      return st.every((s) => s !== null && (s.members.alive ?? 0) === n);
    },
    60_000,
    200,
    abort,
  );
  view.info(`all ${n} agents see ${n} alive members (${fmt(tMembers)})`);

  view.step('replication: waiting for every local copy of hosts and machines to converge');
  const tRows = await waitUntil(
    'identical hosts and machines tables on every node',
    async () => {
      const st = await fleet.statuses();
      await refresh();
      return st.every((s) => s !== null && s.hosts === n && s.digest === st[0]?.digest);
    },
    60_000,
    200,
    abort,
  );
  await refresh(true);
  const machines = (await fleet.statuses())[0]?.machines ?? 0;
  view.info(`${n} hosts, ${machines} machines, identical on every node (${fmt(tRows)})`);

  // Resolve on a node that did not write the answered rows (every node wrote only its own).
  const reader = 1;
  view.step(`service discovery: asking ${host(reader)}'s DNS about machines other hosts published`);
  const owner = new Map<string, string>();
  for (const r of fleet.ready) for (const m of r?.machines ?? []) owner.set(m.ipv6, r?.hostId ?? '?');
  const web = await fleet.resolve6(reader, 'web.internal');
  view.dns(
    `web.internal on ${host(reader)} -> ${web.length} machines on ${new Set(web.map((a) => owner.get(a))).size} hosts`,
  );
  const top2 = await fleet.resolve6(reader, 'top2.nearest.of.web.internal');
  view.dns(
    `top2.nearest.of.web.internal on ${host(reader)} (${fleet.specs[reader]?.region}) -> ${top2.map((a) => `${a} (${owner.get(a) ?? '?'})`).join(', ')}`,
  );
  const regions = await fleet.resolver(reader).resolveTxt('regions.web.internal');
  view.dns(`regions.web.internal on ${host(reader)} -> "${regions.map((c) => c.join('')).join(' ')}"`);

  // Placement from the local copy: a region with no host falls back to the nearest one with room.
  const want = { region: 'gru', memoryMb: 1024, cpus: 2 };
  const placed = await fleet.procs[reader]?.request<{
    id: string;
    region: string;
    distanceMs: number;
  } | null>({
    op: 'place',
    ...want,
  });
  view.info(
    `placement on ${host(reader)}: a ${want.memoryMb} MB / ${want.cpus} CPU machine near ${want.region} -> ${placed ? `${placed.id} (${placed.region}, ${placed.distanceMs} ms round trip)` : 'no host has room'}`,
  );

  view.step(
    `write to DNS answer: start a machine on one host, time until another host's DNS answers it (${rounds} rounds)`,
  );
  const writeToDnsMs: number[] = [];
  const writeAckMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const w = r % n;
    const q = (r + 1) % n;
    const t0 = performance.now();
    const m = await (fleet.procs[w]?.request<{ id: string; ipv6: string }>({
      op: 'start-machine',
      app: 'web',
    }) ?? Promise.reject(new Error(`${host(w)} is not running`)));
    const ack = performance.now() - t0;
    writeAckMs.push(ack);
    owner.set(m.ipv6, host(w));
    await waitUntil(
      `${m.ipv6} in ${host(q)}'s answer for web.internal`,
      async () => (await fleet.resolve6(q, 'web.internal')).includes(m.ipv6),
      30_000,
      2,
      abort,
    );
    const ms = performance.now() - t0;
    writeToDnsMs.push(ms);
    view.info(
      `round ${r + 1}: machine ${m.id} started on ${host(w)}, in ${host(q)}'s web.internal answer after ${fmt(ms)} (write acknowledged after ${fmt(ack)})`,
    );
  }
  view.info(
    `write-to-DNS: median ${median(writeToDnsMs).toFixed(0)} ms, max ${Math.max(...writeToDnsMs).toFixed(0)} ms over ${rounds} rounds; of which the write itself (IPC + local commit): median ${median(writeAckMs).toFixed(0)} ms`,
  );

  const victim = Math.min(3, n - 1);
  const others = fleet.specs.map((_, i) => i).filter((i) => i !== victim);
  const victimAddrs = [...owner.entries()].filter(([, h]) => h === host(victim)).map(([a]) => a);
  view.step(
    `crash: kill -9 ${host(victim)} (pid ${fleet.procs[victim]?.pid}); its ${victimAddrs.length} machines must leave every answer`,
  );
  fleet.crash(victim);
  await fleet.procs[victim]?.exited;
  const crashToGoneMs = await waitUntil(
    `${host(victim)}'s machines to leave web.internal on every other node`,
    async () => {
      await refresh();
      for (const i of others) {
        const ans = await fleet.resolve6(i, 'web.internal');
        if (victimAddrs.some((a) => ans.includes(a))) return false;
      }
      return true;
    },
    60_000,
    100,
    abort,
  );
  await refresh(true);
  const after = await fleet.resolve6(reader, 'web.internal');
  view.dns(`web.internal on ${host(reader)} -> ${after.length} machines; none of ${host(victim)}'s`);
  view.info(
    `${host(victim)}'s machines left the answers on all ${others.length} other nodes after ${fmt(crashToGoneMs)} (failure detection)`,
  );

  view.step(`restart: ${host(victim)} comes back with its data directory`);
  const t0 = performance.now();
  await fleet.startNode(victim);
  view.info(`${host(victim)} is back as pid ${fleet.procs[victim]?.pid}, rejoining`);
  await waitUntil(
    `${host(victim)}'s machines back in web.internal on every node`,
    async () => {
      await refresh();
      for (let i = 0; i < n; i++) {
        const ans = await fleet.resolve6(i, 'web.internal');
        if (!victimAddrs.every((a) => ans.includes(a))) return false;
      }
      return true;
    },
    60_000,
    100,
    abort,
  );
  const restartToBackMs = performance.now() - t0;
  view.info(
    `${host(victim)}'s machines are answered again on every node ${fmt(restartToBackMs)} after the restart`,
  );
  await waitUntil(
    'identical tables and all members alive after the restart',
    async () => {
      const st = await fleet.statuses();
      await refresh();
      return st.every((s) => s !== null && (s.members.alive ?? 0) === n && s.digest === st[0]?.digest);
    },
    60_000,
    200,
    abort,
  );
  await refresh(true);
  view.info('every node converged again');
  return { writeToDnsMs, writeAckMs, crashToGoneMs, restartToBackMs };
}
