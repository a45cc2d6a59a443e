import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the lock file an agent holds in its data directory. */
export const LOCK_FILE = 'corro.pid';

/** The pid of the live process holding the data directory's lock, or null. */
export function lockHolder(dataDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  return isAlive(pid) ? pid : null;
}

/**
 * Takes the data directory's lock for this process: a `corro.pid` file created exclusively.
 * A lock left by a dead process is taken over. Returns a release function, or the pid of
 * the live holder when another process has it.
 */
export function acquireLock(dataDir: string): (() => void) | number {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(dataDir);
      if (holder !== null && holder !== process.pid) return holder;
      // Stale (its process is gone) or ours: replace it.
      rmSync(path, { force: true });
    }
  }
  throw new Error(`cannot take the lock ${path}; remove it if no agent runs`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
