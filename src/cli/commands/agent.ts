import { join } from 'node:path';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import { Agent } from '../../agent/agent.js';
import { DB_FILE } from '../../agent/agent-config.js';
import { AgentConfigError } from '../../agent/errors.js';
import { ConfigError } from '../../config/config-error.js';
import type { CorroConfig } from '../../config/load.js';
import { readSchemaFiles } from '../../config/schema-files.js';
import { livenessFromMembers, startDnsServer } from '../../dns/index.js';
import { agentBackend } from '../../http/agent-backend.js';
import { type ApiServer, startApiServer } from '../../http/server.js';
import { registerNodeMetrics } from '../../metrics/node-metrics.js';
import { realRuntime } from '../../runtime/real-runtime.js';
import { StoreError } from '../../store/errors.js';
import { SubscriptionManager } from '../../subscriptions/manager.js';
import { storeSubscriptionSource } from '../../subscriptions/store-source.js';
import { type CliIo, configFrom, type GlobalOptions } from './context.js';
import { acquireLock } from './data-dir-lock.js';
import { CliError, EXIT } from './exit-codes.js';

/** A running node: what `corro agent` started, and how to stop it. */
export interface RunningNode {
  readonly api: ApiServer;
  close(): Promise<void>;
}

/**
 * Starts a node from a config: takes the data directory's lock, opens the store with the
 * schema files, starts subscriptions and the HTTP API. Throws {@link CliError}.
 */
export async function startNode(cfg: CorroConfig, io: CliIo): Promise<RunningNode> {
  const lock = acquireLock(cfg.db.path);
  if (typeof lock === 'number') {
    throw new CliError(EXIT.agentRunning, `another agent (pid ${lock}) runs on ${cfg.db.path}`);
  }
  const cleanups: (() => void | Promise<void>)[] = [lock];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    let schema: string[];
    try {
      schema = readSchemaFiles(cfg.db.schemaPaths);
    } catch (err) {
      throw err instanceof ConfigError ? new CliError(EXIT.usage, err.message) : err;
    }
    const runtime = realRuntime();
    let agent: Agent;
    try {
      agent = await Agent.start({
        dataDir: cfg.db.path,
        schema,
        runtime,
        gossip: {
          addr: cfg.gossip.addr,
          bootstrap: cfg.gossip.bootstrap,
          clusterName: cfg.gossip.cluster,
          preset: cfg.gossip.preset,
          ...(cfg.gossip.plaintext ? { plaintext: true } : {}),
          ...(cfg.gossip.keys.length > 0
            ? { keys: cfg.gossip.keys.map((k) => Uint8Array.from(Buffer.from(k, 'base64'))) }
            : {}),
          ...(cfg.gossip.keyFile ? { keyFile: cfg.gossip.keyFile } : {}),
        },
      });
    } catch (err) {
      // A schema the store refuses or a bad agent setting is a configuration problem.
      if (err instanceof StoreError || err instanceof AgentConfigError) {
        throw new CliError(EXIT.usage, `cannot start: ${err.message}`);
      }
      // Anything else (gossip address in use, unreadable data directory) fails the start.
      throw new CliError(
        EXIT.failed,
        `cannot start the agent (gossip.addr ${cfg.gossip.addr}): ${message(err)}`,
      );
    }
    cleanups.push(() => agent.close());
    const store = agent.store;
    const source = storeSubscriptionSource(store, join(cfg.db.path, DB_FILE));
    cleanups.push(() => source.close());
    const subscriptions = new SubscriptionManager(source, runtime, cfg.subscriptions);
    cleanups.push(() => subscriptions.close());
    const backend = agentBackend(agent, cfg.db.path, subscriptions);
    cleanups.push(() => backend.close());
    const registry = new Registry();
    registerNodeMetrics(registry, {
      storeStats: () => store.stats(),
      subscriptionStats: () => subscriptions.stats(),
    });
    const api = await startApiServer({
      backend,
      addr: cfg.api.addr,
      ...(cfg.api.token ? { token: cfg.api.token } : {}),
      maxBodyBytes: cfg.api.maxBodyBytes,
      maxStatements: cfg.api.maxStatements,
      maxConcurrentRequests: cfg.api.maxConcurrentRequests,
      maxSubscriptionStreams: cfg.api.maxSubscriptionStreams,
      health: cfg.api.health,
      serveMetrics: cfg.telemetry.metrics,
      registry,
    }).catch((err: unknown) => {
      throw new CliError(EXIT.failed, `cannot serve the API on api.addr ${cfg.api.addr}: ${message(err)}`);
    });
    cleanups.push(() => api.close());
    if (cfg.dns) {
      const query = async (sql: string, params?: readonly unknown[]) =>
        agent.query(sql, params) as Record<string, unknown>[];
      const dns = await startDnsServer({
        ...cfg.dns,
        query,
        runtime,
        hostLiveness: livenessFromMembers(query, () => agent.members()),
      }).catch((err: unknown) => {
        throw new CliError(EXIT.failed, `cannot serve DNS on dns.addr ${cfg.dns?.addr}: ${message(err)}`);
      });
      cleanups.push(() => dns.close());
      io.err(`corro agent: dns listening on ${dns.addr}`);
    }
    // The "api listening" line is printed at every level: scripts and tests wait for it.
    if (cfg.telemetry.logLevel === 'info' || cfg.telemetry.logLevel === 'debug') {
      io.err(`corro agent: actor ${store.actorId}, data ${cfg.db.path}, gossip ${agent.gossipAddr}`);
    }
    io.err(`corro agent: api listening on ${api.url}`);
    return { api, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** `corro agent -c corro.toml`. */
export function registerAgentCommand(program: Command, io: CliIo): void {
  program
    .command('agent')
    .description('run the agent: replication, gossip and the HTTP API, until SIGINT/SIGTERM')
    .addHelpText('after', '\nExample:\n  corro agent -c /etc/corro/corro.toml')
    .action(async (_o: unknown, cmd: Command) => {
      const cfg = configFrom(cmd.optsWithGlobals<GlobalOptions>(), io) as CorroConfig;
      const node = await startNode(cfg, io);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      io.err('corro agent: shutting down');
      await node.close();
    });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
