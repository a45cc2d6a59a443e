import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';

/**
 * Reads the schema from `db.schema_paths`: each entry is a `.sql` file or a directory whose
 * `*.sql` files are read in name order. Returns one SQL text per file, in order. Throws
 * {@link ConfigError} naming `db.schema_paths` when a path cannot be read.
 */
export function readSchemaFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new ConfigError('db.schema_paths', `${p} does not exist`);
    }
    const files = isDir
      ? readdirSync(p)
          .filter((f) => f.endsWith('.sql'))
          .sort()
          .map((f) => join(p, f))
      : [p];
    for (const f of files) {
      try {
        const text = readFileSync(f, 'utf8');
        // An empty file (e.g. a placeholder) holds no statement; skipping it keeps the API happy.
        if (text.trim() !== '') out.push(text);
      } catch (err) {
        throw new ConfigError('db.schema_paths', `cannot read ${f}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}
