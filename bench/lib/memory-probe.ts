import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Resident memory per row at rest, measured in a fresh Node process so that nothing else
 * this benchmark allocated counts: the child notes its RSS (after a full GC), opens a
 * database, writes `rows` rows in transactions of `batchRows`, runs the GC again, idles
 * briefly, and reports `(RSS after - RSS before) / rows` in bytes.
 */
export function memoryProbe(kind: 'raw' | 'corro', rows: number, batchRows: number, path: string): number {
  const child = join(import.meta.dirname, 'memory-probe-child.ts');
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', child, kind, String(rows), String(batchRows), path],
    { encoding: 'utf8', timeout: 15 * 60_000 },
  );
  if (r.status !== 0) throw new Error(`memory probe (${kind}) failed: ${r.stderr || r.error}`);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(last) as { bytesPerRow: number };
  return parsed.bytesPerRow;
}
