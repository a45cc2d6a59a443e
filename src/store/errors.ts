/**
 * Errors the store throws for caller misuse or invalid input. Each says what to do; each
 * documents whether state was touched (it never is: a throwing call leaves the store unchanged).
 */

/** Base class of every store error, so callers can catch them all. */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** The schema breaks a rule (Corrosion's): names the table and the rule. Nothing was changed. */
export class SchemaError extends StoreError {
  override name = 'SchemaError';
  constructor(
    /** The offending table (or `''` when the statement could not be attributed). */
    readonly table: string,
    /** Short rule id, e.g. `primary-key`, `unique-index`, `foreign-key`, `not-null-default`. */
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** The new schema is not an additive change of the existing one. Nothing was changed. */
export class MigrationError extends StoreError {
  override name = 'MigrationError';
  constructor(
    readonly table: string,
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** A changeset failed validation (structure, Automerge bytes, table, column, key or value). Nothing was changed. */
export class InvalidChangesetError extends StoreError {
  override name = 'InvalidChangesetError';
}

/** Bytes given to `decodeChangeset` are not a valid encoded changeset. */
export class ChangesetDecodeError extends StoreError {
  override name = 'ChangesetDecodeError';
}

/** The store was used in a way it does not support (see the message for what to do instead). */
export class StoreUsageError extends StoreError {
  override name = 'StoreUsageError';
}

/** The store was closed; open it again with `Store.open`. */
export class StoreClosedError extends StoreError {
  override name = 'StoreClosedError';
  constructor() {
    super('the store is closed; open it again with Store.open');
  }
}

/** The file belongs to another actor than the `actorId` passed to `Store.open`. Nothing was changed. */
export class ActorIdMismatchError extends StoreError {
  override name = 'ActorIdMismatchError';
}
