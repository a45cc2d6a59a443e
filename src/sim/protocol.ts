import type { Runtime } from '../runtime/runtime.js';
import type { Scheduler } from '../runtime/scheduler.js';
import type { Transport } from '../transport/transport.js';

/**
 * The adapter between corro-sim and the real code it drives. The simulator never contains
 * protocol logic: an adapter starts the real membership or agent on the simulated transport
 * and runtime, and translates what the simulator asks (write, read the view, read the table)
 * into calls on the real API. Tests may plug a tiny stand-in protocol in here.
 */
export interface SimProtocol {
  /** Short name for reports, e.g. "membership" or "agent". */
  readonly name: string;
  /** Whether nodes accept writes (replication); a membership-only protocol says false. */
  readonly replicates: boolean;
  /** Starts one node. Must not throw for a valid context; may resolve asynchronously. */
  start(ctx: SimNodeContext): SimNode | Promise<SimNode>;
}

/** What the simulator gives a starting node. */
export interface SimNodeContext {
  /** Stable node index (0-based), also the node's name in reports (`n<index>`). */
  readonly index: number;
  /** The node's gossip address, `host:port`. */
  readonly addr: string;
  /** Region code of the node (from the latency matrix). */
  readonly region: string;
  /** The node's simulated datagram transport. */
  readonly transport: Transport;
  /** The node's virtual clock, seeded rng and scheduler (paused and crashed with the node). */
  readonly runtime: Runtime;
  /** Addresses to join through (may be empty for the first node). */
  readonly bootstrap: readonly string[];
  /** What {@link SimNode.persist} returned before a crash, on restart; undefined on first start. */
  readonly persisted: unknown;
  /** Restart count of this node slot (0 on first start). */
  readonly generation: number;
  /** Where the node reports what it observes; the simulator timestamps each report. */
  readonly report: SimReporter;
  /** The shared simulated world, for adapters that need more than a datagram transport. */
  readonly world: SimWorld;
}

/**
 * The shared world of one run, for adapters that model a second network (e.g. the agent's
 * reliable channels) on the same latency matrix, partitions and crashes.
 */
export interface SimWorld {
  /** The run's virtual scheduler (shared by every node; not paused or crashed with any). */
  readonly scheduler: Scheduler & { now(): number };
  /** One-way base latency between two node addresses, ms (region matrix, no jitter). */
  latencyMs(fromAddr: string, toAddr: string): number;
  /** True when both nodes are up and no partition cuts `from` -> `to`. */
  reachable(fromAddr: string, toAddr: string): boolean;
  /** Per-run storage for adapters (e.g. one shared channel network), keyed by adapter. */
  readonly shared: Map<string, unknown>;
}

/** Observations a node reports to the simulator as they happen. */
export interface SimReporter {
  /** This node now holds (has applied) write `writeId`. Repeats are ignored. */
  held(writeId: string): void;
  /** This node's view of member `addr` changed to `state`. */
  member(addr: string, state: SimMemberState): void;
}

/** Member states as the simulator tracks them. */
export type SimMemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** A bounded queue inside a node, reported so the queue-bounds checker can verify it. */
export interface SimQueueSize {
  readonly name: string;
  readonly size: number;
  readonly bound: number;
}

/** A running node, as the simulator sees it. Optional members are capabilities. */
export interface SimNode {
  /**
   * Stops the node. `graceful` true is a planned leave (tell the others, flush); false is a
   * crash, after which no code of this node may run (the simulator also cuts its timers and
   * packets).
   */
  stop(graceful: boolean): void | Promise<void>;
  /** The node's current view: the state it holds for each member address it knows. */
  view?(): ReadonlyMap<string, SimMemberState>;
  /** Performs a replicated write of `writeId`; resolves true once acknowledged (committed locally). */
  write?(writeId: string): boolean | Promise<boolean>;
  /** Every write id present in the node's tables now (read from the real store). */
  heldWrites?(): Iterable<string>;
  /** A digest of the node's replicated tables; equal digests mean identical tables. */
  digest?(): string;
  /** The durable state a restart keeps (e.g. the serialized SQLite file). */
  persist?(): unknown;
  /** Sizes of the node's bounded queues with their bounds. */
  queues?(): readonly SimQueueSize[];
  /** Protocol counters worth reporting (summed over nodes in results). */
  counters?(): Readonly<Record<string, number>>;
}
