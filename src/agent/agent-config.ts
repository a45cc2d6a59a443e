import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MembershipConfig, PresetName } from '../membership/config.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Keyring } from '../transport/keyring.js';
import { AgentConfigError } from './errors.js';
import type { ReplicationConfig } from './replication-config.js';

/**
 * Gossip (membership) settings of an agent. Only `addr` is required.
 */
export interface AgentGossipConfig {
  /** UDP address to bind, `host:port` (port 0 picks one; see `agent.gossipAddr`). Required. */
  readonly addr: string;
  /** Members to join through (`host:port`). Default: none (the first node waits for others). */
  readonly bootstrap?: readonly string[];
  /** Cluster name, authenticated in every packet. Default `corro`. */
  readonly clusterName?: string;
  /**
   * AES-256-GCM keys (32 bytes each; the first seals) or a Keyring. Default: the key in
   * `keyFile`. Every node of a cluster needs the same key.
   */
  readonly keys?: readonly Uint8Array[] | Keyring;
  /**
   * File holding the cluster key as 64 hex characters. Default `<dataDir>/cluster.key`. When
   * neither `keys` nor `plaintext` is given and the file does not exist, a new random key is
   * written there (mode 0600): copy that file to every other node's data directory.
   */
  readonly keyFile?: string;
  /** Send unsealed packets. Only for trusted networks. Default false (sealed). */
  readonly plaintext?: boolean;
  /** Timing preset: `lan` (memberlist's LAN defaults), `wan`, `local`. Default `lan`. */
  readonly preset?: PresetName;
  /** Small gossiped metadata, e.g. `{ region: 'ams' }`. Default `{}`. */
  readonly meta?: Record<string, string>;
  /** Any membership setting, overriding the preset. */
  readonly membership?: Partial<MembershipConfig>;
}

/** WebRTC data channel settings (anti-entropy transport). */
export interface AgentChannelConfig {
  /**
   * Local IP the data channels bind to and offer as their ICE host candidate. Default: the
   * host of `gossip.addr` (or 127.0.0.1 when that is 0.0.0.0 / ::). No STUN or TURN is used.
   */
  readonly bindAddress?: string;
  /** A channel not open within this many ms fails (retried next round). Default 10000. */
  readonly connectTimeoutMs?: number;
}

/** Configuration of `Agent.start`. `{ dataDir, schema, gossip: { addr } }` is enough. */
export interface AgentConfig {
  /** Directory for the database (`corro.db`) and the cluster key; created if missing. Required. */
  readonly dataDir: string;
  /** Schema SQL (`CREATE TABLE` / `CREATE INDEX`), one string or several. Required. */
  readonly schema: string | readonly string[];
  readonly gossip: AgentGossipConfig;
  /** Replication settings; see `ReplicationConfig` for every default. */
  readonly replication?: Partial<ReplicationConfig>;
  readonly channel?: AgentChannelConfig;
  /**
   * How long `close()` waits for queued gossip (changesets this node still owes the cluster)
   * to drain before leaving, ms. Default 2000.
   */
  readonly closeFlushMs?: number;
  /** Runtime (clock, rng, timers). Default: the real one. */
  readonly runtime?: Runtime;
}

/** Name of the database file inside `dataDir`. */
export const DB_FILE = 'corro.db';
/** Name of the default key file inside `dataDir`. */
export const KEY_FILE = 'cluster.key';

/** Checks the required fields; throws {@link AgentConfigError} naming the field. */
export function checkAgentConfig(c: AgentConfig): void {
  if (!c || typeof c.dataDir !== 'string' || c.dataDir.length === 0)
    throw new AgentConfigError('dataDir is required: a directory for corro.db and cluster.key');
  if (c.schema === undefined) throw new AgentConfigError('schema is required: CREATE TABLE statements');
  if (!c.gossip || typeof c.gossip.addr !== 'string')
    throw new AgentConfigError('gossip.addr is required, e.g. "127.0.0.1:7878" (port 0 picks one)');
  if (c.gossip.plaintext && c.gossip.keys)
    throw new AgentConfigError('gossip: pass either keys or plaintext: true, not both');
}

/**
 * The keys to seal with: `gossip.keys`, else the key file (created with a new random key when
 * missing). Returns undefined in plaintext mode.
 */
export function resolveKeys(c: AgentConfig): readonly Uint8Array[] | Keyring | undefined {
  if (c.gossip.plaintext) return undefined;
  if (c.gossip.keys) return c.gossip.keys;
  const file = c.gossip.keyFile ?? join(c.dataDir, KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(c.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new AgentConfigError(`${file} must hold a 32-byte key as 64 hex characters`);
  return [Uint8Array.from(Buffer.from(hex, 'hex'))];
}

/** The data-channel bind address for a gossip address. */
export function channelBindAddress(c: AgentConfig): string {
  if (c.channel?.bindAddress) return c.channel.bindAddress;
  const addr = c.gossip.addr;
  const host = addr.startsWith('[') ? addr.slice(1, addr.indexOf(']')) : addr.slice(0, addr.lastIndexOf(':'));
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}
