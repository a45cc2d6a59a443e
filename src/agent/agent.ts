import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ChangeListener, createMembership, Membership } from '../membership/membership.js';
import type { MemberInfo } from '../membership/messaging.js';
import { realRuntime } from '../runtime/real-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import { Store } from '../store/store.js';
import type { StoreTx } from '../store/store-options.js';
import type { Changeset, CommitEvent, SqlParams } from '../store/types.js';
import { type Subscription, SubscriptionManager } from '../subscriptions/manager.js';
import { storeSubscriptionSource } from '../subscriptions/store-source.js';
import type { SubscribeOptions } from '../subscriptions/types.js';
import type { ChannelFactory } from '../transport/channel.js';
import { DataChannelFactory, releaseDataChannels } from '../transport/channel-datachannel.js';
import type { Transport } from '../transport/transport.js';
import {
  type AgentConfig,
  type AgentGossipConfig,
  channelBindAddress,
  checkAgentConfig,
  DB_FILE,
  resolveKeys,
} from './agent-config.js';
import { AgentClosedError, AgentConfigError } from './errors.js';
import { Replication, type SignalledChannelFactory } from './replication.js';
import type { ReplicationConfig } from './replication-config.js';

/** Options of {@link Agent.create}: every part injected (tests, corro-sim, custom hosts). */
export interface CreateAgentOptions {
  /** Datagram transport for membership (in-memory network, UDP, ...). */
  readonly transport: Transport;
  readonly runtime: Runtime;
  readonly schema: string | readonly string[];
  /** Database path; default `':memory:'`. */
  readonly storePath?: string;
  /** Bytes from `store.serialize()` to reopen in memory (a restart in corro-sim); needs `storePath` ':memory:'. */
  readonly serialized?: Buffer;
  /** Actor id for a new database; default random from `runtime.rng`. */
  readonly actorId?: string;
  /** Builds the channel factory once membership exists (WebRTC signals ride on it). */
  readonly channels: (membership: Membership) => ChannelFactory | SignalledChannelFactory;
  /** Membership identity and security; `keys` or `plaintext: true` is required here. */
  readonly gossip?: Omit<AgentGossipConfig, 'addr' | 'keyFile'>;
  readonly replication?: Partial<ReplicationConfig>;
  /** See {@link AgentConfig.closeFlushMs}. Default 2000. */
  readonly closeFlushMs?: number;
}

/** Receive-lag summary (writer commit to apply here), ms. */
export interface LagSummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** A snapshot of an agent's counters, as plain numbers. */
export interface AgentMetrics {
  readonly replication: Readonly<Record<string, number>>;
  readonly lag: LagSummary;
  readonly membership: Readonly<Record<string, number>>;
  readonly store: Readonly<Record<string, number>>;
  /** Open anti-entropy channels. */
  readonly channels: number;
}

/** Events of an agent. */
export interface AgentEvents {
  /** A member changed state (up, suspect, down, left, updated). */
  member: ChangeListener;
  /** Rows changed here: local writes (`source: 'local'`) and applied remote changesets (`'remote'`). */
  commit: (e: CommitEvent) => void;
}

/**
 * A corro node: a replicated SQLite store, SWIM membership over UDP, and replication
 * (gossip broadcast plus anti-entropy over WebRTC data channels). Write with plain SQL on any
 * node; every node converges to the same tables.
 *
 * @example
 * ```ts
 * const agent = await Agent.start({
 *   dataDir: '/var/lib/corro',
 *   schema: 'CREATE TABLE services (name TEXT NOT NULL PRIMARY KEY, addr TEXT)',
 *   gossip: { addr: '10.0.0.5:7878', bootstrap: ['10.0.0.4:7878'] },
 * });
 * agent.exec('INSERT INTO services VALUES (?, ?)', ['api', '10.0.0.5:8080']);
 * agent.query('SELECT * FROM services');
 * await agent.close();
 * ```
 */
export class Agent {
  readonly replication: Replication;
  private readonly memberListeners = new Set<ChangeListener>();
  private readonly commitListeners = new Set<(e: CommitEvent) => void>();
  private closing: Promise<void> | undefined;
  /** Created on the first `subscribe`: a read connection on the database file and the manager. */
  private subscriptions: { manager: SubscriptionManager; close(): void } | undefined;

  private constructor(
    /** The local store (reads, writes, bookkeeping). */
    readonly store: Store,
    /** The membership node (members, RTTs, key rotation through `membership.keyring`). */
    readonly membership: Membership,
    channels: ChannelFactory | SignalledChannelFactory,
    private readonly runtime: Runtime,
    replication: Partial<ReplicationConfig> | undefined,
    private readonly closeFlushMs: number,
    /** The database file (for subscriptions' read connection); undefined when in memory. */
    private readonly dbFile: string | undefined,
    /** Whether this agent uses native WebRTC channels, released when it closes. */
    private readonly nativeChannels: boolean,
  ) {
    this.replication = new Replication({
      messaging: membership,
      store,
      runtime,
      channels,
      config: replication,
    });
    membership.on('change', (c) => {
      for (const l of [...this.memberListeners]) l(c);
    });
    store.onCommit((e) => {
      for (const l of [...this.commitListeners]) l(e);
    });
    this.replication.start();
  }

  /**
   * Starts an agent on this host: opens (or creates) `<dataDir>/corro.db`, binds gossip UDP at
   * `gossip.addr`, joins through `gossip.bootstrap`, and replicates. Packets are sealed with
   * the cluster key (see {@link AgentGossipConfig.keyFile}) unless `gossip.plaintext` is set.
   * Throws {@link AgentConfigError} for a bad configuration, and the store's errors for a bad
   * schema; nothing is left running then.
   */
  static async start(config: AgentConfig): Promise<Agent> {
    checkAgentConfig(config);
    const runtime = config.runtime ?? realRuntime();
    mkdirSync(config.dataDir, { recursive: true });
    const keys = resolveKeys(config);
    const store = Store.open({ path: join(config.dataDir, DB_FILE), schema: config.schema, runtime });
    let membership: Membership | undefined;
    try {
      membership = await Membership.start({
        ...config.gossip.membership,
        ...gossipIdentity(config.gossip, keys),
        addr: config.gossip.addr,
        actorId: store.actorId,
        runtime,
      });
      const m = membership;
      const channels = new DataChannelFactory({
        actorId: store.actorId,
        runtime,
        sendSignal: (peer, payload) => m.sendTo(peer, payload),
        bindAddress: channelBindAddress(config),
        connectTimeoutMs: config.channel?.connectTimeoutMs,
      });
      return new Agent(
        store,
        m,
        channels,
        runtime,
        config.replication,
        config.closeFlushMs ?? 2000,
        join(config.dataDir, DB_FILE),
        true,
      );
    } catch (err) {
      await membership?.close();
      store.close();
      throw err;
    }
  }

  /** Builds an agent from injected parts (in-memory network, virtual time, any channel factory). */
  static create(opts: CreateAgentOptions): Agent {
    const gossip = opts.gossip ?? {};
    if (!gossip.plaintext && !gossip.keys)
      throw new AgentConfigError('Agent.create: pass gossip.keys or gossip.plaintext: true');
    const store = Store.open({
      path: opts.storePath ?? ':memory:',
      schema: opts.schema,
      runtime: opts.runtime,
      ...(opts.actorId !== undefined ? { actorId: opts.actorId } : {}),
      ...(opts.serialized !== undefined ? { serialized: opts.serialized } : {}),
    });
    try {
      const membership = createMembership({
        ...gossip.membership,
        ...gossipIdentity(gossip, gossip.plaintext ? undefined : gossip.keys),
        actorId: store.actorId,
        transport: opts.transport,
        runtime: opts.runtime,
      });
      return new Agent(
        store,
        membership,
        opts.channels(membership),
        opts.runtime,
        opts.replication,
        opts.closeFlushMs ?? 2000,
        opts.storePath && opts.storePath !== ':memory:' ? opts.storePath : undefined,
        false,
      );
    } catch (err) {
      store.close();
      throw err;
    }
  }

  /** This node's actor id (also its membership id). */
  get actorId(): string {
    return this.store.actorId;
  }

  /** The gossip address peers reach this node at. */
  get gossipAddr(): string {
    return this.membership.localAddr;
  }

  /** Runs one SQL statement; returns the changeset it produced (replicated at once) or null. */
  exec(sql: string, params?: SqlParams): Changeset | null {
    this.assertOpen();
    return this.store.exec(sql, params);
  }

  /** Runs `fn`'s statements in one transaction, replicated as one changeset (or null). */
  transaction(fn: (tx: StoreTx) => void): Changeset | null {
    this.assertOpen();
    return this.store.transaction(fn);
  }

  /** Reads the local copy (plain row objects). */
  query<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[] {
    this.assertOpen();
    return this.store.query<T>(sql, params);
  }

  /**
   * A live query over the local copy: the current rows, an end-of-query marker, then
   * insert / update / delete events (change ids contiguous per subscription) for local and
   * remote writes alike. Identical SQL and parameters share one query run; resume with
   * `opts.from`. Needs a file-backed store (the default of {@link Agent.start}); throws
   * {@link AgentConfigError} for an in-memory one, and the subscription errors for bad SQL.
   */
  subscribe(sql: string, params?: SqlParams, opts?: SubscribeOptions): Subscription {
    this.assertOpen();
    if (!this.subscriptions) {
      if (!this.dbFile) {
        throw new AgentConfigError(
          'agent.subscribe needs a file-backed store: use Agent.start, or Agent.create with storePath',
        );
      }
      const source = storeSubscriptionSource(this.store, this.dbFile);
      const manager = new SubscriptionManager(source, this.runtime);
      this.subscriptions = {
        manager,
        close: () => {
          manager.close();
          source.close();
        },
      };
    }
    return this.subscriptions.manager.subscribe(sql, params, opts);
  }

  /** The cluster as this node sees it, this node included. */
  members(): MemberInfo[] {
    return this.membership.members();
  }

  /** Registers an event listener. */
  on<E extends keyof AgentEvents>(event: E, listener: AgentEvents[E]): this {
    if (event === 'member') this.memberListeners.add(listener as ChangeListener);
    else if (event === 'commit') this.commitListeners.add(listener as (e: CommitEvent) => void);
    else throw new AgentConfigError(`unknown event "${String(event)}": use "member" or "commit"`);
    return this;
  }

  /** Removes an event listener. */
  off<E extends keyof AgentEvents>(event: E, listener: AgentEvents[E]): this {
    if (event === 'member') this.memberListeners.delete(listener as ChangeListener);
    else this.commitListeners.delete(listener as (e: CommitEvent) => void);
    return this;
  }

  /** A snapshot of the counters. */
  metrics(): AgentMetrics {
    const r = this.replication.metrics;
    const counters: Record<string, number> = {};
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number') counters[k] = v;
    const lag = r.lag;
    return {
      replication: counters,
      lag: {
        count: lag.count,
        meanMs: lag.count ? lag.sumMs / lag.count : 0,
        p50Ms: lag.quantile(0.5),
        p99Ms: lag.quantile(0.99),
        maxMs: lag.maxMs,
      },
      membership: { ...this.membership.metrics } as unknown as Record<string, number>,
      store: { ...this.store.stats() } as unknown as Record<string, number>,
      channels: this.replication.antiEntropy.channels,
    };
  }

  /**
   * Leaves gracefully: waits (at most `closeFlushMs`) for queued gossip this node still owes
   * to go out, announces the departure, then stops replication, membership and the store.
   * Idempotent; resolves when everything is closed.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const sched = this.runtime.scheduler;
    const deadline = this.runtime.clock.now() + this.closeFlushMs;
    while (this.membership.metrics.queuedBroadcasts > 0 && this.runtime.clock.now() < deadline) {
      await new Promise<void>((r) => sched.after(50, r));
    }
    await this.membership.leave();
    this.replication.close();
    await this.membership.close();
    this.subscriptions?.close();
    this.store.close();
    // node-datachannel keeps the process alive until its native threads are released; this
    // is a no-op while another agent in the process still uses them.
    if (this.nativeChannels) releaseDataChannels();
  }

  private assertOpen(): void {
    if (this.closing) throw new AgentClosedError('this agent is closed; start a new one');
  }
}

function gossipIdentity(
  g: Omit<AgentGossipConfig, 'addr' | 'keyFile'>,
  keys: AgentGossipConfig['keys'] | undefined,
): {
  bootstrap?: readonly string[];
  clusterName?: string;
  keys?: AgentGossipConfig['keys'];
  plaintext?: boolean;
  preset?: AgentGossipConfig['preset'];
  meta?: Record<string, string>;
  relayBroadcasts: boolean;
} {
  return {
    ...(g.bootstrap ? { bootstrap: g.bootstrap } : {}),
    ...(g.clusterName ? { clusterName: g.clusterName } : {}),
    ...(keys ? { keys } : {}),
    ...(g.plaintext ? { plaintext: true } : {}),
    ...(g.preset ? { preset: g.preset } : {}),
    ...(g.meta ? { meta: g.meta } : {}),
    // Replication decides what to pass on (only changesets new to this node), so membership
    // must not relay broadcasts on its own.
    relayBroadcasts: false,
  };
}
