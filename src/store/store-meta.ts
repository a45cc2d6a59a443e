import type { Database } from 'better-sqlite3';
import { LOCAL_FOLDED_KEY } from './changeset-log.js';
import { ActorIdMismatchError, StoreUsageError } from './errors.js';
import { createInternalTables, STORE_FORMAT } from './internal-tables.js';
import type { ActorId } from './types.js';

/**
 * Creates corro's tables if needed, checks the file's format (upgrading format 1 in place) and
 * its actor, and records both. Runs inside the caller's transaction, so a refusal changes nothing.
 * Returns the store's actor id: the file's, else `wanted`, else `newActorId()`.
 * Throws {@link StoreUsageError} for a format this code cannot read and
 * {@link ActorIdMismatchError} when `wanted` differs from the file's actor.
 */
export function openMeta(db: Database, wanted: string | undefined, newActorId: () => string): ActorId {
  createInternalTables(db);
  const meta = db.prepare('SELECT key, value FROM __corro_meta').all() as { key: string; value: unknown }[];
  const get = (k: string) => meta.find((m) => m.key === k)?.value;
  const format = get('format');
  if (format !== undefined && format !== STORE_FORMAT && format !== 1) {
    throw new StoreUsageError(
      `database format ${String(format)} is not supported (this corro reads formats 1 and ${STORE_FORMAT} and writes ${STORE_FORMAT}): open it with the corro version that wrote it`,
    );
  }
  let id = get('actor') as string | undefined;
  if (id !== undefined && wanted !== undefined && wanted !== id) {
    throw new ActorIdMismatchError(
      `this database belongs to actor ${id}, not ${wanted}; omit actorId or open the right file`,
    );
  }
  if (id === undefined) id = wanted ?? newActorId();
  const put = db.prepare('INSERT OR REPLACE INTO __corro_meta (key, value) VALUES (?, ?)');
  if (format === undefined) put.run(LOCAL_FOLDED_KEY, 0);
  if (format === 1) {
    // Format 1 stored every own change as a document chunk and indexed its hash at commit, so
    // its whole own log counts as folded (format 2 folds in batches, see LocalTail).
    const max = db.prepare('SELECT max(version) FROM __corro_changesets WHERE actor = ?').pluck().get(id) as
      | number
      | null;
    put.run(LOCAL_FOLDED_KEY, max ?? 0);
  }
  put.run('format', STORE_FORMAT);
  put.run('actor', id);
  return id as ActorId;
}
