import { Packr } from 'msgpackr';
import { isDocId } from '../crdt/row-key.js';
import { ChangesetDecodeError } from './errors.js';
import { isHlcTimestamp } from './hlc.js';
import type { ActorId, Changeset, DocChange, HlcTimestamp, Version } from './types.js';

/**
 * The changeset wire format (msgpack): `[format, actor(16 bytes), version, ts, [[table, doc, change], ...]]`.
 * Bounds (a changeset outside them is refused with {@link ChangesetDecodeError}):
 */

/** Wire format version written first in every encoded changeset. */
export const CHANGESET_FORMAT = 1;
/** Largest encoded changeset accepted: 32 MiB. */
export const MAX_CHANGESET_BYTES = 32 * 1024 * 1024;
/** Most document changes in one changeset (tables touched x `DOCS_PER_TABLE` documents each). */
export const MAX_CHANGES_PER_CHANGESET = 4096;
/** Longest table name accepted from a peer, in characters. */
export const MAX_TABLE_NAME_CHARS = 256;
/** Largest version accepted (versions are dense per actor; this only rules out absurd values). */
export const MAX_VERSION = 2 ** 48;

const packr = new Packr({ useRecords: false, mapsAsObjects: false, int64AsType: 'number' });

/** Encodes a changeset for the wire or the log. Validates it first (throws {@link ChangesetDecodeError}). */
export function encodeChangeset(cs: Changeset): Uint8Array {
  const v = validateChangeset(cs);
  return packr.pack([
    CHANGESET_FORMAT,
    Buffer.from(v.actor, 'hex'),
    v.version,
    v.ts,
    v.changes.map((c) => [c.table, c.doc, c.data]),
  ]);
}

/** Decodes and validates bytes from a peer. Throws {@link ChangesetDecodeError} on anything malformed. */
export function decodeChangeset(bytes: Uint8Array): Changeset {
  if (!(bytes instanceof Uint8Array)) throw new ChangesetDecodeError('changeset must be bytes');
  if (bytes.length > MAX_CHANGESET_BYTES) {
    throw new ChangesetDecodeError(`changeset of ${bytes.length} bytes exceeds ${MAX_CHANGESET_BYTES}`);
  }
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (e) {
    throw new ChangesetDecodeError(`not msgpack: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw) || raw.length !== 5)
    throw new ChangesetDecodeError('changeset must be a 5-element array');
  const [format, actor, version, ts, changes] = raw as unknown[];
  if (format !== CHANGESET_FORMAT)
    throw new ChangesetDecodeError(`unknown changeset format ${String(format)}`);
  if (!(actor instanceof Uint8Array) || actor.length !== 16)
    throw new ChangesetDecodeError('actor must be 16 bytes');
  if (!Array.isArray(changes)) throw new ChangesetDecodeError('changes must be an array');
  return validateChangeset({
    actor: Buffer.from(actor).toString('hex'),
    version,
    ts,
    changes: changes.map((c: unknown) => {
      if (!Array.isArray(c) || c.length !== 3)
        throw new ChangesetDecodeError('a change must be [table, doc, bytes]');
      return { table: c[0], doc: c[1], data: c[2] };
    }),
  });
}

/** Encodes only the document changes (the log stores actor, version and ts in columns). */
export function encodeChanges(changes: readonly DocChange[]): Uint8Array {
  return packr.pack(changes.map((c) => [c.table, c.doc, c.data]));
}

/** Decodes what {@link encodeChanges} wrote. */
export function decodeChanges(bytes: Uint8Array): DocChange[] {
  const raw = packr.unpack(bytes) as [string, string, Uint8Array][];
  return raw.map(([table, doc, data]) => ({ table, doc, data: new Uint8Array(data) }));
}

const ACTOR_RE = /^[0-9a-f]{32}$/;

/** Whether `s` is a well-formed actor id (32 lowercase hex characters). */
export function isActorId(s: unknown): s is ActorId {
  return typeof s === 'string' && ACTOR_RE.test(s);
}

/**
 * Checks the structure and bounds of a changeset object (not its Automerge content or schema
 * fit, which the store checks). Returns a normalised copy; throws {@link ChangesetDecodeError}.
 */
export function validateChangeset(cs: unknown): Changeset {
  if (typeof cs !== 'object' || cs === null) throw new ChangesetDecodeError('changeset must be an object');
  const o = cs as Record<string, unknown>;
  if (!isActorId(o.actor)) throw new ChangesetDecodeError('actor must be 32 lowercase hex characters');
  const version = o.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1 || version > MAX_VERSION) {
    throw new ChangesetDecodeError(`version must be an integer in [1, ${MAX_VERSION}]`);
  }
  if (!isHlcTimestamp(o.ts)) throw new ChangesetDecodeError('ts must be a non-negative safe integer');
  const changes = o.changes;
  if (!Array.isArray(changes) || changes.length === 0)
    throw new ChangesetDecodeError('changes must be a non-empty array');
  if (changes.length > MAX_CHANGES_PER_CHANGESET) {
    throw new ChangesetDecodeError(`${changes.length} changes exceed ${MAX_CHANGES_PER_CHANGESET}`);
  }
  let bytes = 0;
  const seen = new Set<string>();
  const out: DocChange[] = [];
  for (const c of changes as unknown[]) {
    if (typeof c !== 'object' || c === null) throw new ChangesetDecodeError('a change must be an object');
    const { table, doc, data } = c as Record<string, unknown>;
    if (typeof table !== 'string' || table.length === 0 || table.length > MAX_TABLE_NAME_CHARS) {
      throw new ChangesetDecodeError('change table must be a non-empty string of at most 256 characters');
    }
    if (typeof doc !== 'string' || !isDocId(doc))
      throw new ChangesetDecodeError('change doc must be a document id');
    if (!(data instanceof Uint8Array) || data.length === 0)
      throw new ChangesetDecodeError('change data must be non-empty bytes');
    bytes += data.length;
    if (bytes > MAX_CHANGESET_BYTES)
      throw new ChangesetDecodeError(`changes exceed ${MAX_CHANGESET_BYTES} bytes`);
    const id = `${table}\u0000${doc}`;
    if (seen.has(id)) throw new ChangesetDecodeError(`two changes to document ${doc} of ${table}`);
    seen.add(id);
    out.push({ table, doc, data: data instanceof Buffer ? new Uint8Array(data) : data });
  }
  return { actor: o.actor, version: version as Version, ts: o.ts as HlcTimestamp, changes: out };
}
