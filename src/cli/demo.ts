/**
 * `npm start`: a live local corro fleet. Five host agents on loopback (child processes,
 * temporary data, free ports) publish machines into replicated tables and serve `.internal`
 * DNS from their own copies; the demo shows membership, convergence, DNS answers across hosts,
 * the time from a write to a DNS answer elsewhere, then crashes a host and brings it back.
 * Flags: `npm start -- --help`.
 * @packageDocumentation
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fleet } from './demo/fleet.js';
import { DEMO_USAGE, type DemoOptions, DemoUsageError, parseDemoArgs } from './demo/options.js';
import { PortInUseError } from './demo/ports.js';
import { runScenario } from './demo/scenario.js';
import { type DemoView, PlainView, TtyView } from './demo/view.js';

/** Thrown when the data directory cannot be used. */
class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/**
 * `mkdir -p` without `{ recursive: true }`, which spins forever on some paths where the parent
 * refuses new entries (e.g. under /proc, Node 20): create each missing level, one by one.
 */
function ensureDir(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) mkdirSync(m);
}

function prepareDataDir(o: DemoOptions): { dir: string; temporary: boolean } {
  if (o.dataDir === undefined) {
    try {
      return { dir: mkdtempSync(join(tmpdir(), 'corro-demo-')), temporary: true };
    } catch (err) {
      throw new DataDirError(
        `cannot create a temporary directory in ${tmpdir()} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set TMPDIR to a writable directory or pass --data-dir`,
      );
    }
  }
  try {
    ensureDir(o.dataDir);
    const probe = join(o.dataDir, `.corro-demo-probe-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
    return { dir: o.dataDir, temporary: false };
  } catch (err) {
    throw new DataDirError(
      `cannot write to --data-dir ${o.dataDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass a writable directory`,
    );
  }
}

async function main(): Promise<number> {
  let o: DemoOptions;
  try {
    o = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof DemoUsageError) {
      process.stderr.write(`corro demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (o.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const script = join(root, 'examples', 'host-agent.ts');
  if (!existsSync(script)) {
    process.stderr.write(
      `corro demo: ${script} is missing; run npm start from a full clone of the repository\n`,
    );
    return 1;
  }
  let data: { dir: string; temporary: boolean };
  try {
    data = prepareDataDir(o);
  } catch (err) {
    process.stderr.write(`corro demo: ${(err as Error).message}\n`);
    return 1;
  }

  const interactive = !o.plain && process.stdout.isTTY === true;
  const view: DemoView = interactive ? new TtyView() : new PlainView();
  const fleet = new Fleet(
    { root, script, tsxImport: import.meta.resolve('tsx'), dataDir: data.dir },
    o.nodes,
    o.basePort,
  );
  const abort = new AbortController();
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaned ??= (async () => {
      await fleet.stopAll(3000);
      if (data.temporary) rmSync(data.dir, { recursive: true, force: true });
    })();
    return cleaned;
  };
  // Whatever happens, no agent outlives the demo.
  process.on('exit', () => fleet.killAll());
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) {
      // A second Ctrl-C: stop waiting for graceful shutdown.
      fleet.killAll();
      process.exit(130);
    }
    interrupted = true;
    abort.abort();
    view.close();
    const pids = fleet.pids();
    process.stdout.write(
      `\ncorro demo: ${sig} received, stopping ${pids.length} agents (pids ${pids.join(' ')})...\n`,
    );
    void cleanup().then(() => {
      process.stdout.write('corro demo: stopped; no agent left running\n');
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    view.step(
      `starting ${o.nodes} agents on loopback (data in ${data.dir}${data.temporary ? ', temporary' : ''})`,
    );
    await fleet.start((i, r) => {
      const s = fleet.specs[i];
      view.info(
        `${r.hostId} (${s?.region}) pid ${fleet.procs[i]?.pid}: gossip ${r.gossipAddr}, dns 127.0.0.1:${r.dnsPort}, ${r.machines.length} machines`,
      );
    });
    view.nodes(await fleet.rows());
    const result = await runScenario(fleet, view, o.rounds, abort.signal);
    const sorted = [...result.writeToDnsMs].sort((a, b) => a - b);
    view.info(
      `summary: write-to-DNS ms ${sorted.map((x) => x.toFixed(0)).join(', ')}; write acknowledged ms ${result.writeAckMs.map((x) => x.toFixed(0)).join(', ')}; crash to gone ${(result.crashToGoneMs / 1000).toFixed(1)} s; restart to answered ${(result.restartToBackMs / 1000).toFixed(1)} s`,
    );
    if (o.keepRunning) {
      view.step('fleet running: Ctrl-C to stop');
      const dnsLines = fleet.specs.map(
        (s) => `  dig @127.0.0.1 -p ${s.dnsPort} +short web.internal AAAA   # ${s.hostId}`,
      );
      for (const l of dnsLines) view.info(l);
      for (;;) {
        view.nodes(await fleet.rows());
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    view.step('stopping the fleet');
    await cleanup();
    view.info(`demo finished: ok (${fleet.pids().length} agent processes started, all stopped)`);
    view.close();
    return 0;
  } catch (err) {
    if (interrupted) return new Promise<number>(() => undefined); // the signal handler exits
    view.close();
    const msg = err instanceof PortInUseError ? err.message : (err as Error).message;
    process.stderr.write(`corro demo: ${msg}\n`);
    await cleanup();
    process.stderr.write('corro demo: stopped every agent\n');
    return 1;
  }
}

process.exit(await main());
