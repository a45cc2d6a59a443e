import { deriveSeed, seededRng } from '../runtime/rng.js';
import type { VirtualScheduler } from '../runtime/virtual-scheduler.js';
import { SimNodeRuntime } from './node-runtime.js';
import type { NodeStatus, Observer } from './observer.js';
import type { SimNode, SimProtocol, SimWorld } from './protocol.js';
import type { SimNetwork } from './sim-network.js';

/** One node slot: a process that can start, crash, restart, pause and leave. */
export interface NodeSlot {
  readonly index: number;
  readonly addr: string;
  readonly region: string;
  status: NodeStatus;
  /** True between `start` and the node's start promise settling. */
  starting: boolean;
  paused: boolean;
  generation: number;
  /** Virtual time (absolute ms) of the latest start or restart. */
  startedAt: number;
  runtime: SimNodeRuntime | null;
  node: SimNode | null;
  persisted: unknown;
}

/** The virtual epoch of a run (simulation.ts); reports give times relative to it. */
const EPOCH_MS = 1_700_000_000_000;

/** Errors from node code beyond this many are counted but their messages are not kept. */
const MAX_ERROR_MESSAGES = 50;

/**
 * The node lifecycle on top of the simulated network: start (with the bootstrap list),
 * crash (state persisted, timers and packets cut), restart (same address, persisted state),
 * pause/resume, graceful leave. Async work the protocol returns is tracked so the run loop
 * can let it settle before virtual time moves on.
 */
export class Cluster {
  readonly slots: NodeSlot[] = [];
  readonly errors: string[] = [];
  errorCount = 0;
  /** Promises started by the cluster that have not settled yet. */
  pending = 0;

  constructor(
    private readonly sim: VirtualScheduler,
    private readonly net: SimNetwork,
    private readonly protocol: SimProtocol,
    private readonly observer: Observer,
    private readonly seed: number,
    regions: readonly string[],
    size: number,
    private readonly bootstrapIndexes: readonly number[],
    private readonly world: SimWorld,
  ) {
    for (let i = 0; i < size; i++) {
      const region = regions[i % regions.length] as string;
      const addr = net.addNode(i, region);
      this.slots.push({
        index: i,
        addr,
        region,
        status: 'idle',
        starting: false,
        paused: false,
        generation: 0,
        startedAt: 0,
        runtime: null,
        node: null,
        persisted: undefined,
      });
    }
  }

  /** Slots that are up (running, paused or not). */
  live(): NodeSlot[] {
    return this.slots.filter((s) => s.status === 'up');
  }

  /** Records an exception from node code; the run continues and the checker reports it. */
  nodeError(index: number, err: unknown): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERROR_MESSAGES)
      this.errors.push(
        `n${index} at ${Math.round(this.sim.now() - EPOCH_MS)}: ${err instanceof Error ? err.message : String(err)}`,
      );
  }

  /** Tracks a promise from node code: counts it pending, reports a rejection as a node error. */
  track<T>(index: number, value: T | Promise<T>, then: (v: T) => void): void {
    if (!(value instanceof Promise)) {
      then(value);
      return;
    }
    this.pending++;
    value.then(
      (v) => {
        this.pending--;
        then(v);
      },
      (err) => {
        this.pending--;
        this.nodeError(index, err);
      },
    );
  }

  /** Starts (or restarts) slot `index` with its persisted state. No-op unless idle or crashed. */
  start(index: number): void {
    const slot = this.slot(index);
    if (slot.status !== 'idle' && slot.status !== 'crashed') return;
    const restarting = slot.status === 'crashed';
    const generation = restarting ? slot.generation + 1 : slot.generation;
    slot.generation = generation;
    slot.status = 'up';
    slot.paused = false;
    slot.starting = true;
    slot.startedAt = this.sim.now();
    const runtime = new SimNodeRuntime(
      this.sim,
      seededRng(deriveSeed(this.seed, index * 1024 + generation)),
      (e) => this.nodeError(index, e),
    );
    slot.runtime = runtime;
    const transport = this.net.attach(index, (fn) => runtime.run(fn));
    if (restarting) this.observer.restarted(index);
    const bootstrap = this.bootstrapIndexes.filter((b) => b !== index).map((b) => this.slot(b).addr);
    const report = {
      held: (writeId: string) => {
        if (!runtime.isDead) this.observer.held(index, writeId);
      },
      member: (addr: string, state: 'alive' | 'suspect' | 'dead' | 'left') => {
        if (!runtime.isDead) this.observer.member(index, addr, state);
      },
    };
    let started: SimNode | Promise<SimNode>;
    try {
      started = this.protocol.start({
        index,
        addr: slot.addr,
        region: slot.region,
        transport,
        runtime,
        bootstrap,
        persisted: slot.persisted,
        generation,
        report,
        world: this.world,
      });
    } catch (err) {
      this.nodeError(index, err);
      return;
    }
    this.track(index, started, (node) => {
      if (runtime.isDead) {
        // Crashed while starting: the late node must not run.
        this.track(index, node.stop(false), () => {});
        return;
      }
      slot.node = node;
      slot.starting = false;
    });
  }

  /** Crashes slot `index`: persists its durable state, voids its timers, cuts its network. */
  crash(index: number): void {
    const slot = this.slot(index);
    if (slot.status !== 'up') return;
    const node = slot.node;
    if (node?.persist) {
      try {
        slot.persisted = node.persist();
      } catch (err) {
        this.nodeError(index, err);
      }
    }
    slot.runtime?.crash();
    this.net.detach(index);
    slot.status = 'crashed';
    slot.paused = false;
    slot.node = null;
    this.observer.crashed(index);
    if (node) {
      try {
        this.track(index, node.stop(false), () => {});
      } catch (err) {
        this.nodeError(index, err);
      }
    }
  }

  /** Graceful leave of slot `index`: the node says goodbye, then goes off the network. */
  leave(index: number): void {
    const slot = this.slot(index);
    if (slot.status !== 'up' || !slot.node) return;
    this.resume(index);
    const node = slot.node;
    slot.status = 'left';
    const finish = () => {
      slot.runtime?.crash();
      this.net.detach(index);
      slot.node = null;
    };
    try {
      this.track(index, node.stop(true), finish);
    } catch (err) {
      this.nodeError(index, err);
      finish();
    }
  }

  /** Freezes slot `index` (timers deferred, packets buffered). */
  pause(index: number): void {
    const slot = this.slot(index);
    if (slot.status !== 'up' || slot.paused) return;
    slot.paused = true;
    slot.runtime?.pause();
    this.net.pause(index);
  }

  /** Unfreezes slot `index`: overdue timers run, then buffered packets arrive. */
  resume(index: number): void {
    const slot = this.slot(index);
    if (!slot.paused) return;
    slot.paused = false;
    slot.runtime?.resume();
    this.net.resume(index);
  }

  slot(index: number): NodeSlot {
    const s = this.slots[index];
    if (!s) throw new RangeError(`no node slot ${index}`);
    return s;
  }
}
