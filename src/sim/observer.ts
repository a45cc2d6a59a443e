import type { SimMemberState } from './protocol.js';

/** What the simulator knows to be true about a node slot at a moment. */
export type NodeStatus = 'idle' | 'up' | 'crashed' | 'left';

/** Ground truth the observer compares reports against. */
export interface Truth {
  status(index: number): NodeStatus;
  /** True while the node is paused or slowed (its suspicion is expected, not false). */
  paused(index: number): boolean;
  indexOf(addr: string): number | undefined;
  liveCount(): number;
  isLive(index: number): boolean;
  /** True while any network partition is in force. */
  partitioned(): boolean;
}

/** One write issued by the workload. */
export interface WriteRecord {
  readonly id: string;
  readonly writer: number;
  readonly at: number;
  ackAt: number | undefined;
  /** Node index -> ms from `at` until that node reported holding the write. */
  readonly holdMs: Map<number, number>;
}

/** A crash of a running node and how the cluster noticed it. */
export interface CrashRecord {
  readonly index: number;
  readonly at: number;
  endedAt: number | undefined;
  firstSuspectAt: number | undefined;
  firstDeadAt: number | undefined;
  allDeadAt: number | undefined;
  readonly deadObservers: Set<number>;
}

/**
 * Collects what nodes report (writes held, member state changes) and judges each report
 * against the ground truth: false suspicions and deaths of running nodes, suspicions of
 * paused nodes, and detection times of real crashes.
 */
export class Observer {
  readonly writes = new Map<string, WriteRecord>();
  readonly crashes: CrashRecord[] = [];
  falseSuspicions = 0;
  falseDeaths = 0;
  pausedSuspicions = 0;
  pausedDeaths = 0;
  /** Suspicions / deaths of running nodes while a partition is in force (expected, not false). */
  partitionSuspicions = 0;
  partitionDeaths = 0;
  /** Suspicions / deaths of a restarted node that the observer had not yet seen alive again (stale news of its crash). */
  staleSuspicions = 0;
  staleDeaths = 0;
  memberReports = 0;
  /** For restarted nodes: observers that have seen the node alive since its restart. */
  private readonly seenSinceRestart = new Map<number, Set<number>>();
  private readonly openCrash = new Map<number, CrashRecord>();

  constructor(
    private readonly truth: Truth,
    private readonly now: () => number,
  ) {}

  /** Records a new write issued on `writer`. */
  wrote(id: string, writer: number): WriteRecord {
    const rec: WriteRecord = { id, writer, at: this.now(), ackAt: undefined, holdMs: new Map() };
    this.writes.set(id, rec);
    return rec;
  }

  /** Node `index` reports it holds `writeId`; the first report per node counts. */
  held(index: number, writeId: string): void {
    const rec = this.writes.get(writeId);
    if (!rec || rec.holdMs.has(index)) return;
    rec.holdMs.set(index, this.now() - rec.at);
  }

  /** Node `index` was running and crashed now. */
  crashed(index: number): void {
    const rec: CrashRecord = {
      index,
      at: this.now(),
      endedAt: undefined,
      firstSuspectAt: undefined,
      firstDeadAt: undefined,
      allDeadAt: undefined,
      deadObservers: new Set(),
    };
    this.crashes.push(rec);
    this.openCrash.set(index, rec);
  }

  /** Node `index` restarted: its crash is over. */
  restarted(index: number): void {
    const rec = this.openCrash.get(index);
    if (rec) rec.endedAt = this.now();
    this.openCrash.delete(index);
    this.seenSinceRestart.set(index, new Set());
  }

  /** Observer `observer` reports its view of member `addr` is now `state`. */
  member(observer: number, addr: string, state: SimMemberState): void {
    this.memberReports++;
    const subject = this.truth.indexOf(addr);
    if (subject === undefined || subject === observer) return;
    const seen = this.seenSinceRestart.get(subject);
    if (state === 'alive') seen?.add(observer);
    if (state !== 'suspect' && state !== 'dead') return;
    const status = this.truth.status(subject);
    if (status === 'up') {
      const suspect = state === 'suspect';
      if (this.truth.paused(subject)) suspect ? this.pausedSuspicions++ : this.pausedDeaths++;
      else if (seen && !seen.has(observer)) suspect ? this.staleSuspicions++ : this.staleDeaths++;
      else if (this.truth.partitioned()) suspect ? this.partitionSuspicions++ : this.partitionDeaths++;
      else suspect ? this.falseSuspicions++ : this.falseDeaths++;
      return;
    }
    const rec = this.openCrash.get(subject);
    if (!rec) return;
    const t = this.now();
    if (rec.firstSuspectAt === undefined) rec.firstSuspectAt = t;
    if (state !== 'dead') return;
    if (rec.firstDeadAt === undefined) rec.firstDeadAt = t;
    rec.deadObservers.add(observer);
    if (rec.allDeadAt === undefined) {
      let seen = 0;
      for (const o of rec.deadObservers) if (this.truth.isLive(o)) seen++;
      if (seen >= this.truth.liveCount()) rec.allDeadAt = t;
    }
  }
}
