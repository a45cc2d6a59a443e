import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { epochMs, sleep, spawnTracked } from './processes.js';
import { SerfRpc } from './serf-rpc.js';
import { StatsdSink } from './statsd.js';

/**
 * One Serf agent for the membership comparison: its own loopback address 127.0.0.x, the
 * `lan` profile (memberlist's LAN defaults, the settings corro's `lan` preset copies), a
 * statsd sink for its byte counters, an RPC connection streaming member events, and its log
 * scanned for suspicions.
 */
export class SerfAgent {
  /** Names this agent suspected ("Suspect NAME has failed, no acks received"), with the time. */
  readonly suspected: { name: string; atMs: number }[] = [];
  /**
   * Member events from the log ("serf: EventMemberJoin: NAME ADDR", also Failed, Leave), with
   * their arrival time. Serf logs these the moment memberlist notifies it, whereas the RPC
   * event stream delivers them after Serf's agent has coalesced them (it waits for 1 s of
   * quiet, up to 3 s), which would add a Serf-agent delay that is not membership's.
   */
  readonly events: { event: string; name: string; atMs: number }[] = [];
  private log = '';

  private constructor(
    readonly name: string,
    readonly bindAddr: string,
    readonly proc: ChildProcess,
    readonly rpc: SerfRpc,
    readonly stats: StatsdSink,
  ) {}

  /**
   * Starts an agent (not yet joined) and connects to its RPC; bounded by `timeoutMs`.
   * `encryptKey` (base64, 32 bytes) turns on memberlist's AES-GCM packet encryption, as corro
   * seals its packets.
   */
  static async start(
    name: string,
    ip: string,
    dir: string,
    encryptKey?: string,
    timeoutMs = 15_000,
  ): Promise<SerfAgent> {
    const stats = await StatsdSink.open();
    const cfg = join(dir, `${name}.json`);
    writeFileSync(cfg, JSON.stringify({ statsd_addr: `127.0.0.1:${stats.port}` }));
    const bindAddr = `${ip}:7946`;
    const rpcAddr = `${ip}:7373`;
    const proc = spawnTracked('serf', [
      'agent',
      `-node=${name}`,
      `-bind=${bindAddr}`,
      `-rpc-addr=${rpcAddr}`,
      '-profile=lan',
      `-config-file=${cfg}`,
      '-log-level=info',
      ...(encryptKey ? [`-encrypt=${encryptKey}`] : []),
    ]);
    let rpc: SerfRpc | undefined;
    const end = performance.now() + timeoutMs;
    while (!rpc && performance.now() < end && proc.exitCode === null) {
      try {
        rpc = await SerfRpc.connect(rpcAddr);
      } catch {
        await sleep(50);
      }
    }
    if (!rpc) {
      proc.kill('SIGKILL');
      stats.close();
      throw new Error(`serf agent ${name} did not open its RPC port ${rpcAddr} within ${timeoutMs} ms`);
    }
    const agent = new SerfAgent(name, bindAddr, proc, rpc, stats);
    const onLog = (chunk: Buffer) => agent.scanLog(chunk.toString('utf8'));
    proc.stdout?.on('data', onLog);
    proc.stderr?.on('data', onLog);
    return agent;
  }

  /** Bytes this agent sent, by memberlist's own counters (UDP and TCP). */
  sentBytes(): number {
    return this.stats.sum('memberlist.udp.sent') + this.stats.sum('memberlist.tcp.sent');
  }

  /** When this agent first logged `event` ('Join', 'Failed', 'Leave') for `member` at or after `sinceMs`. */
  sawAt(event: string, member: string, sinceMs: number): number | undefined {
    return this.events.find((e) => e.event === event && e.atMs >= sinceMs && e.name === member)?.atMs;
  }

  /** kill -9. */
  kill(): void {
    this.proc.kill('SIGKILL');
  }

  /** Closes the RPC connection and the statsd sink (the process is killed separately). */
  close(): void {
    this.rpc.close();
    this.stats.close();
  }

  private scanLog(text: string): void {
    this.log += text;
    const nl = this.log.lastIndexOf('\n');
    if (nl < 0) return;
    const lines = this.log.slice(0, nl).split('\n');
    this.log = this.log.slice(nl + 1);
    const atMs = epochMs();
    for (const line of lines) {
      const p = parseSerfLogLine(line);
      if (p?.kind === 'suspect') this.suspected.push({ name: p.name, atMs });
      else if (p?.kind === 'member') this.events.push({ event: p.event, name: p.name, atMs });
    }
  }
}

/** What one Serf log line tells the benchmark, if anything. */
export type SerfLogFact = { kind: 'suspect'; name: string } | { kind: 'member'; event: string; name: string };

/**
 * Parses the two kinds of Serf log lines the benchmark counts: memberlist's
 * "[INFO] memberlist: Suspect NAME has failed, no acks received" and Serf's
 * "[INFO] serf: EventMemberJoin: NAME ADDR" (also Failed, Leave, Update, Reap).
 */
export function parseSerfLogLine(line: string): SerfLogFact | null {
  const m = /memberlist: Suspect (\S+) has failed, no acks received/.exec(line);
  if (m) return { kind: 'suspect', name: m[1] as string };
  const e = /serf: EventMember(Join|Failed|Leave|Update|Reap): (\S+)/.exec(line);
  if (e) return { kind: 'member', event: e[1] as string, name: e[2] as string };
  return null;
}

/**
 * Makes sure the `serf` binary exists: installs the Debian package with apt-get when it is
 * missing (running `apt-get update` first). Returns null when serf is available, or the
 * reason it is not.
 */
export function ensureSerf(): string | null {
  const have = () => spawnSync('serf', ['version'], { encoding: 'utf8' }).status === 0;
  if (have()) return null;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const upd = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env, timeout: 300_000 });
  if (upd.status !== 0)
    return `serf is not installed and apt-get update failed: ${(upd.stderr || String(upd.error)).trim().slice(0, 300)}`;
  const inst = spawnSync('apt-get', ['install', '-y', '-qq', 'serf'], {
    encoding: 'utf8',
    env,
    timeout: 600_000,
  });
  if (inst.status !== 0)
    return `serf is not installed and apt-get install serf failed: ${(inst.stderr || String(inst.error)).trim().slice(0, 300)}`;
  return have() ? null : 'apt-get installed serf but `serf version` still fails';
}

/** The version line of the installed serf, with the Debian package version when there is one. */
export function serfVersion(): string {
  const v = spawnSync('serf', ['version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'unknown';
  const deb = spawnSync('dpkg-query', ['-W', `-f=\${Version}`, 'serf'], { encoding: 'utf8' });
  return deb.status === 0 && deb.stdout ? `${v}, Debian package ${deb.stdout.trim()}` : v;
}
