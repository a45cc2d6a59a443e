import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentProcess, clusterDirs, killAll, spawnAgent, waitUntil } from './process-cluster.js';

// Each agent in its own network namespace, wired to one of two bridges; the bridges are
// joined by a veth link that the test cuts and restores. Everything lives in namespaces the
// test creates (the host's own namespace is not touched) and removes afterwards.

const tag = `c${process.pid % 100000}`;
const BR_NS = `${tag}-br`;
const nodeNs = (i: number) => `${tag}-n${i}`;
const ip = (i: number) => `10.77.0.${i + 1}`;
const N = 4; // nodes 0,1 on bridge A; 2,3 on bridge B

function sh(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function namespacesAvailable(): string | undefined {
  const probe = `${tag}-probe`;
  try {
    sh('netns', 'add', probe);
    sh('netns', 'del', probe);
    return undefined;
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err).trim();
  }
}

function setUpNetwork(): void {
  sh('netns', 'add', BR_NS);
  sh('-n', BR_NS, 'link', 'set', 'lo', 'up');
  for (const br of ['bra', 'brb']) {
    sh('-n', BR_NS, 'link', 'add', br, 'type', 'bridge');
    sh('-n', BR_NS, 'link', 'set', br, 'up');
  }
  // The link between the two groups.
  sh('-n', BR_NS, 'link', 'add', 'lka', 'type', 'veth', 'peer', 'name', 'lkb');
  sh('-n', BR_NS, 'link', 'set', 'lka', 'master', 'bra', 'up');
  sh('-n', BR_NS, 'link', 'set', 'lkb', 'master', 'brb', 'up');
  for (let i = 0; i < N; i++) {
    const ns = nodeNs(i);
    sh('netns', 'add', ns);
    sh('-n', BR_NS, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    sh('-n', BR_NS, 'link', 'set', `v${i}`, 'master', i < N / 2 ? 'bra' : 'brb', 'up');
    sh('-n', ns, 'addr', 'add', `${ip(i)}/24`, 'dev', 'eth0');
    sh('-n', ns, 'link', 'set', 'eth0', 'up');
    sh('-n', ns, 'link', 'set', 'lo', 'up');
  }
}

function tearDownNetwork(): void {
  for (const ns of [BR_NS, ...Array.from({ length: N }, (_, i) => nodeNs(i))]) {
    try {
      sh('netns', 'del', ns);
    } catch {
      // not created
    }
  }
}

const refused = namespacesAvailable();
if (refused)
  console.warn(
    `SKIPPED network-namespace test: this machine refuses 'ip netns add' (${refused}); run as root`,
  );

describe.skipIf(refused !== undefined)('agents in separate network namespaces', () => {
  const dirs = clusterDirs();
  const procs: (AgentProcess | undefined)[] = [];

  afterAll(() => {
    killAll(procs);
    tearDownNetwork();
    dirs.cleanup();
  });

  it('cut the link between two groups, write on both sides, heal: converge', async () => {
    setUpNetwork();
    const replication = { syncMinIntervalMs: 300, syncMaxIntervalMs: 2000 };
    const started = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        spawnAgent({
          dataDir: dirs.dir(i),
          addr: `${ip(i)}:7878`,
          bootstrap: i === 0 ? [] : [`${ip(0)}:7878`],
          keyHex: dirs.keyHex,
          replication,
          prefix: ['ip', 'netns', 'exec', nodeNs(i)],
        }),
      ),
    );
    procs.push(...started);
    const call = (i: number, cmd: Record<string, unknown>) => (procs[i] as AgentProcess).call(cmd);
    const alive = async (i: number) => (await call(i, { cmd: 'members' })).alive as number;
    const ids = async (i: number) => (await call(i, { cmd: 'dump' })).ids as number[];
    expect(
      await waitUntil(
        async () => (await Promise.all(procs.map((_, i) => alive(i)))).every((n) => n === N),
        40_000,
      ),
    ).toBe(true);

    sh('-n', BR_NS, 'link', 'set', 'lka', 'down');
    for (let i = 0; i < N; i++)
      for (let k = 0; k < 5; k++) await call(i, { cmd: 'write', id: i * 100 + k, n: k });
    // Each side sees its own writes, and not the other side's: the cut is real.
    const sideHas = async (i: number, want: number) => (await ids(i)).length === want;
    expect(await waitUntil(async () => (await sideHas(0, 10)) && (await sideHas(3, 10)), 20_000)).toBe(true);
    expect((await ids(0)).some((id) => id >= 200)).toBe(false);

    sh('-n', BR_NS, 'link', 'set', 'lka', 'up');
    const converged = async () => {
      const all = await Promise.all(procs.map((_, i) => ids(i)));
      return all.every((x) => x.length === N * 5);
    };
    expect(await waitUntil(converged, 60_000)).toBe(true);
    const digests = await Promise.all(procs.map((_, i) => call(i, { cmd: 'dump' })));
    expect(new Set(digests.map((d) => d.digest)).size).toBe(1);
    await Promise.all(procs.map((p) => (p as AgentProcess).call({ cmd: 'close' }, 20_000).catch(() => {})));
  }, 150_000);
});
