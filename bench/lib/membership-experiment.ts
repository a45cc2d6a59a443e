import { epochMs, sleep, waitFor } from './processes.js';

/**
 * The membership experiment, the same for Serf and for corro: N nodes on loopback, then
 * repeated cycles of (a new node joins; an old node is killed with SIGKILL), with quiet
 * windows between them to count traffic. Implementations plug in through `MemberNode`.
 */

/** One running node of some membership implementation, as the experiment sees it. */
export interface MemberNode {
  readonly name: string;
  /** The gossip address others join through, `ip:port`. */
  readonly gossipAddr: string;
  /** Joins the cluster through these addresses (returns once the request was made). */
  join(addrs: string[]): Promise<void>;
  /** When this node first saw `member` join (`'join'`) or fail (`'failed'`) at or after `sinceMs`. */
  sawAt(event: 'join' | 'failed', member: string, sinceMs: number): number | undefined;
  /** Every suspicion this node raised so far: who, when (epoch ms). */
  suspicions(): readonly { name: string; atMs: number }[];
  /** Bytes this node has sent so far, by the method the implementation states. */
  sentBytes(): number;
  /** SIGKILL. */
  kill(): void;
  /** Releases connections to the node (the process is killed by the caller's `killAll`). */
  close(): void;
}

/** Starts node number `i` named `name`. */
export type StartNode = (name: string, i: number) => Promise<MemberNode>;

/** Sizes of one experiment. */
export interface ExperimentSize {
  nodes: number;
  cycles: number;
  /** Length of each quiet window over which traffic is counted, ms. */
  quietMs: number;
  /** Bound on waiting for a join or a failure to be seen by all, ms. */
  boundMs: number;
}

/** Samples from one experiment. */
export interface ExperimentSamples {
  joinSeenByAllMs: number[];
  killSeenByAllMs: number[];
  bytesPerNodePerSec: number[];
  /** Suspicions of nodes that were alive (never killed, or suspected before their kill). */
  falseSuspicions: number;
  /** Node-seconds observed for false suspicions (live nodes x seconds). */
  observedNodeSeconds: number;
  /** Joins or kills that were not seen by all within the bound (then not in the samples). */
  timeouts: string[];
}

/** Latest time any of `nodes` saw the event, or undefined while one has not. */
function seenByAll(
  nodes: MemberNode[],
  event: 'join' | 'failed',
  member: string,
  sinceMs: number,
): number | undefined {
  let last = 0;
  for (const n of nodes) {
    const t = n.sawAt(event, member, sinceMs);
    if (t === undefined) return undefined;
    last = Math.max(last, t);
  }
  return last;
}

/** Runs the experiment; every node it started is returned for the caller to kill in `finally`. */
export async function runExperiment(
  start: StartNode,
  size: ExperimentSize,
  started: MemberNode[],
  log: (s: string) => void = () => {},
): Promise<ExperimentSamples> {
  const out: ExperimentSamples = {
    joinSeenByAllMs: [],
    killSeenByAllMs: [],
    bytesPerNodePerSec: [],
    falseSuspicions: 0,
    observedNodeSeconds: 0,
    timeouts: [],
  };
  const killedAt = new Map<string, number>();
  const startedAt = new Map<string, number>();
  let live: MemberNode[] = [];
  let seq = 0;
  const t0 = epochMs();
  for (let i = 0; i < size.nodes; i++) {
    const n = await start(`n${seq}`, seq);
    seq++;
    started.push(n);
    startedAt.set(n.name, epochMs());
    live.push(n);
  }
  const seed = live[0] as MemberNode;
  for (const n of live.slice(1)) await n.join([seed.gossipAddr]);
  const formed = await waitFor(
    () => live.every((a) => live.every((b) => a.sawAt('join', b.name, 0) !== undefined || a === b)),
    size.boundMs,
  );
  if (!formed) throw new Error(`the ${size.nodes}-node cluster did not form within ${size.boundMs} ms`);
  log(`cluster of ${live.length} formed in ${(epochMs() - t0).toFixed(0)} ms`);

  const quiet = async () => {
    const before = live.map((n) => n.sentBytes());
    const w0 = epochMs();
    await sleep(size.quietMs);
    const secs = (epochMs() - w0) / 1000;
    const sent = live.reduce((s, n, i) => s + n.sentBytes() - (before[i] as number), 0);
    out.bytesPerNodePerSec.push(sent / live.length / secs);
  };

  await quiet();
  for (let c = 0; c < size.cycles; c++) {
    // A new node joins through the seed; the time runs from the join request until every
    // node already in the cluster has reported it as joined.
    const fresh = await start(`n${seq}`, seq);
    seq++;
    started.push(fresh);
    startedAt.set(fresh.name, epochMs());
    const j0 = epochMs();
    await fresh.join([seed.gossipAddr]);
    const all = [...live, fresh];
    if (
      await waitFor(
        () =>
          seenByAll(
            all.filter((n) => n !== fresh),
            'join',
            fresh.name,
            j0,
          ) !== undefined,
        size.boundMs,
      )
    ) {
      out.joinSeenByAllMs.push(
        (seenByAll(
          all.filter((n) => n !== fresh),
          'join',
          fresh.name,
          j0,
        ) as number) - j0,
      );
    } else out.timeouts.push(`join of ${fresh.name} (cycle ${c})`);
    live = all;
    await quiet();

    // kill -9 an older node (never the seed); the time runs from the signal until every
    // other live node has declared it failed.
    const victim = live[1 + (c % (live.length - 2))] as MemberNode;
    live = live.filter((n) => n !== victim);
    const k0 = epochMs();
    victim.kill();
    killedAt.set(victim.name, k0);
    if (await waitFor(() => seenByAll(live, 'failed', victim.name, k0) !== undefined, size.boundMs)) {
      out.killSeenByAllMs.push((seenByAll(live, 'failed', victim.name, k0) as number) - k0);
    } else out.timeouts.push(`kill of ${victim.name} (cycle ${c})`);
    log(
      `cycle ${c}: join ${out.joinSeenByAllMs.at(-1)?.toFixed(0)} ms, kill ${out.killSeenByAllMs.at(-1)?.toFixed(0)} ms`,
    );
    await quiet();
  }
  const t1 = epochMs();
  for (const n of started) {
    const end = killedAt.get(n.name) ?? t1;
    for (const s of n.suspicions()) {
      const k = killedAt.get(s.name);
      if (k === undefined || s.atMs < k) out.falseSuspicions++;
    }
    out.observedNodeSeconds += Math.max(0, end - (startedAt.get(n.name) ?? t0)) / 1000;
  }
  return out;
}
