import type { Database } from 'better-sqlite3';
import type { SqlValue } from '../crdt/cell.js';
import { encodeRowKey } from '../crdt/row-key.js';
import { StoreUsageError } from './errors.js';
import { CAPTURE_FUNCTION } from './internal-tables.js';

/** Primary keys touched by a local transaction, per table, deduplicated by row key. */
export type Captured = Map<string, Map<string, SqlValue[]>>;

/**
 * Collects the primary keys that capture triggers report. Triggers call a JavaScript function
 * rather than inserting into a capture table: no extra SQL writes per row, and remote apply
 * switches capture off by a flag instead of a per-row `WHEN` subquery. Only keys are collected;
 * the final row is read back at commit and diffed against the document, so a row touched many
 * times (or inserted then deleted) in one transaction costs one comparison. Memory is bounded by
 * the rows a transaction touches.
 */
export class Capture {
  private touched: Captured = new Map();
  /**
   * `capture`: inside a local transaction, keys are collected. `apply`: corro itself writes
   * (remote apply), calls are ignored. `off`: a write to a replicated table outside corro's
   * transactions, which would never replicate, so the statement fails.
   */
  mode: 'off' | 'capture' | 'apply' = 'off';

  /** Registers the capture function on a connection. */
  register(db: Database): void {
    db.function(
      CAPTURE_FUNCTION,
      { varargs: true, safeIntegers: true, deterministic: false },
      (...args: unknown[]) => {
        if (this.mode === 'apply') return null;
        if (this.mode === 'off') {
          throw new StoreUsageError(
            'writes to replicated tables go through store.exec() or store.transaction()',
          );
        }
        const table = args[0] as string;
        const pk = args.slice(1) as SqlValue[];
        let rows = this.touched.get(table);
        if (!rows) {
          rows = new Map();
          this.touched.set(table, rows);
        }
        rows.set(encodeRowKey(pk), pk);
        return null;
      },
    );
  }

  /** Returns and clears what was collected. */
  take(): Captured {
    const out = this.touched;
    this.touched = new Map();
    return out;
  }

  /** Drops what was collected (after a rollback). */
  reset(): void {
    this.touched = new Map();
  }
}
