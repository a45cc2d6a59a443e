import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { MemberNode } from './membership-experiment.js';
import { spawnTracked, waitFor } from './processes.js';

/**
 * A corro membership node in its own process (bench/lib/corro-member-child.ts), seen by the
 * membership experiment through the same `MemberNode` interface as a Serf agent. The name
 * of a member is its gossip address's place in `names` (the experiment names nodes, corro
 * identifies members by address).
 */
export class CorroMemberNode implements MemberNode {
  private readonly changes: { kind: string; addr: string; atMs: number }[] = [];
  private bytesOut = 0;
  private started = false;

  private constructor(
    readonly name: string,
    readonly gossipAddr: string,
    private readonly proc: ChildProcess,
    private readonly names: Map<string, string>,
  ) {}

  /** Spawns the node process and waits (bounded) until it has loaded; it is not started yet. */
  static async spawn(
    name: string,
    gossipAddr: string,
    keyHex: string,
    names: Map<string, string>,
    timeoutMs = 30_000,
  ): Promise<CorroMemberNode> {
    const child = join(import.meta.dirname, 'corro-member-child.ts');
    const proc = spawnTracked(process.execPath, ['--import', 'tsx', child, gossipAddr, keyHex], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    names.set(gossipAddr, name);
    const node = new CorroMemberNode(name, gossipAddr, proc, names);
    let spawned = false;
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let m: { t?: string; kind?: string; addr?: string; atMs?: number; bytesOut?: number };
      try {
        m = JSON.parse(line);
      } catch {
        return;
      }
      if (m.t === 'spawned') spawned = true;
      else if (m.t === 'started') node.started = true;
      else if (m.t === 'change' && m.kind && m.addr && m.atMs)
        node.changes.push({ kind: m.kind, addr: m.addr, atMs: m.atMs });
      else if (m.t === 'bytes' && typeof m.bytesOut === 'number') node.bytesOut = m.bytesOut;
    });
    if (!(await waitFor(() => spawned, timeoutMs))) {
      proc.kill('SIGKILL');
      throw new Error(`corro member ${name} did not load within ${timeoutMs} ms`);
    }
    return node;
  }

  /** Starts membership with these bootstrap addresses (empty for the first node). */
  async join(addrs: string[]): Promise<void> {
    this.proc.stdin?.write(`${JSON.stringify({ cmd: 'start', bootstrap: addrs })}\n`);
    if (!(await waitFor(() => this.started, 30_000)))
      throw new Error(`corro member ${this.name} did not start`);
  }

  sawAt(event: 'join' | 'failed', member: string, sinceMs: number): number | undefined {
    const kind = event === 'join' ? 'up' : 'down';
    return this.changes.find((c) => c.kind === kind && c.atMs >= sinceMs && this.names.get(c.addr) === member)
      ?.atMs;
  }

  suspicions(): readonly { name: string; atMs: number }[] {
    return this.changes
      .filter((c) => c.kind === 'suspect')
      .map((c) => ({ name: this.names.get(c.addr) ?? c.addr, atMs: c.atMs }));
  }

  sentBytes(): number {
    return this.bytesOut;
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }

  close(): void {
    this.proc.stdin?.destroy();
  }
}
