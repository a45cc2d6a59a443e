import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { AgentConfigError } from '../../src/agent/errors.js';
import { releaseDataChannels } from '../../src/transport/channel-datachannel.js';
import { SCHEMA } from './memory-cluster.js';

const root = mkdtempSync(join(tmpdir(), 'corro-agent-start-'));
afterAll(() => {
  releaseDataChannels();
  rmSync(root, { recursive: true, force: true });
});

describe('Agent.start', () => {
  it('starts from dataDir + schema + gossip.addr alone, sealed with a generated cluster key that survives restarts', async () => {
    const dataDir = join(root, 'a');
    const agent = await Agent.start({ dataDir, schema: SCHEMA, gossip: { addr: '127.0.0.1:0' } });
    const keyFile = join(dataDir, 'cluster.key');
    try {
      expect(existsSync(join(dataDir, 'corro.db'))).toBe(true);
      expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(keyFile).mode & 0o077).toBe(0);
      expect(agent.membership.keyring).toBeDefined();
      expect(agent.exec('INSERT INTO kv (id, owner) VALUES (1, ?)', ['me'])).not.toBeNull();
      expect(agent.query('SELECT id, owner FROM kv')).toEqual([{ id: 1, owner: 'me' }]);
      expect(agent.members().map((m) => m.actorId)).toEqual([agent.actorId]);
    } finally {
      await agent.close();
    }
    const key = readFileSync(keyFile, 'utf8');
    const again = await Agent.start({ dataDir, schema: SCHEMA, gossip: { addr: '127.0.0.1:0' } });
    try {
      expect(readFileSync(keyFile, 'utf8')).toBe(key);
      expect(again.query('SELECT owner FROM kv')).toEqual([{ owner: 'me' }]);
    } finally {
      await again.close();
    }
  });

  it('refuses incomplete or contradictory configuration with a named error', async () => {
    await expect(
      Agent.start({ dataDir: '', schema: SCHEMA, gossip: { addr: '127.0.0.1:0' } }),
    ).rejects.toThrow(AgentConfigError);
    await expect(Agent.start({ dataDir: join(root, 'b'), schema: SCHEMA } as never)).rejects.toThrow(
      /gossip.addr/,
    );
    await expect(
      Agent.start({
        dataDir: join(root, 'c'),
        schema: SCHEMA,
        gossip: { addr: '127.0.0.1:0', plaintext: true, keys: [new Uint8Array(32)] },
      }),
    ).rejects.toThrow(AgentConfigError);
  });

  it('two agents with the same key replicate over real UDP and WebRTC', async () => {
    const keys = [new Uint8Array(32).fill(7)];
    const a = await Agent.start({
      dataDir: join(root, 'd1'),
      schema: SCHEMA,
      gossip: { addr: '127.0.0.1:0', keys, preset: 'local' },
    });
    const b = await Agent.start({
      dataDir: join(root, 'd2'),
      schema: SCHEMA,
      gossip: { addr: '127.0.0.1:0', keys, preset: 'local', bootstrap: [a.gossipAddr] },
      replication: { syncMinIntervalMs: 200, syncMaxIntervalMs: 500 },
    });
    try {
      const until = async (pred: () => boolean) => {
        for (let i = 0; i < 300 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
        return pred();
      };
      expect(await until(() => a.members().length === 2 && b.members().length === 2)).toBe(true);
      a.exec('INSERT INTO kv (id, owner) VALUES (1, ?)', ['a']);
      expect(await until(() => b.query('SELECT * FROM kv').length === 1)).toBe(true);
      // A transaction too large for one packet is announced and pulled over a WebRTC data channel.
      b.transaction((tx) => {
        for (let i = 2; i < 300; i++)
          tx.exec('INSERT INTO kv (id, owner, note) VALUES (?, ?, ?)', [i, 'b', 'y'.repeat(30)]);
      });
      expect(await until(() => a.query('SELECT * FROM kv').length === 299)).toBe(true);
      expect(a.metrics().replication.syncPulled).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
