import type { Database } from 'better-sqlite3';
import type { VersionBook } from './books.js';
import type { Capture } from './capture.js';
import type { ChangesetLog } from './changeset-log.js';
import type { DocCache } from './doc-cache.js';
import type { HybridClock } from './hlc.js';
import type { LocalTail } from './local-tail.js';
import type { Materialiser } from './materialise.js';
import type { PendingSet } from './pending.js';
import type { TableInfo } from './schema.js';
import type { ActorId } from './types.js';

/** The state the store's write paths (local commit, remote apply) share. Internal. */
export interface StoreCore {
  readonly db: Database;
  readonly actor: ActorId;
  readonly capture: Capture;
  readonly docs: DocCache;
  readonly materialiser: Materialiser;
  readonly log: ChangesetLog;
  readonly books: Map<string, VersionBook>;
  readonly pending: PendingSet;
  readonly hlc: HybridClock;
  /** Own changesets logged since the last fold (committed state only). */
  readonly tail: LocalTail;
  tables: Map<string, TableInfo>;
}
