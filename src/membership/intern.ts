import type { ActorId } from '../store/types.js';
import { actorIdToBytes, bytesToActorId } from './actor-id.js';
import type { Meta } from './messages.js';

/**
 * Process-wide canonical copies of the strings and metadata maps that member records keep
 * (actor ids, addresses, metadata). Every node of a cluster decodes its own copy of every other
 * member's id, address and metadata from the wire; in one process running many nodes (the
 * simulator) those copies were about half of each node's memory per member (measured: ~190 of
 * ~400 bytes per member record at 400 nodes). Values are immutable (strings; frozen metadata),
 * so sharing one copy changes no behaviour. Bounded: at {@link MAX_INTERNED} entries the table
 * is cleared and fills again (later records get fresh canonical copies; nothing else changes).
 */
export const MAX_INTERNED = 262_144;

const strings = new Map<string, string>();
const metas = new Map<string, Meta>();
const idsByBytes = new Map<string, ActorId>();
const bytesById = new Map<ActorId, Uint8Array>();

// Node's native latin1 decoding accepts any Uint8Array: a 16-character key of an id's bytes,
// cheaper to build and hash than the 32-character hex id itself.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: (s: number, e: number) => string })
  .latin1Slice;

/** The canonical copy of `s`. */
export function internString<T extends string>(s: T): T {
  const hit = strings.get(s);
  if (hit !== undefined) return hit as T;
  if (strings.size >= MAX_INTERNED) strings.clear();
  strings.set(s, s);
  return s;
}

/** The canonical copy of a frozen metadata map with the same entries (in the same order). */
export function internMeta(meta: Meta): Meta {
  const keys = Object.keys(meta);
  if (keys.length === 0) return meta;
  let id = '';
  for (const k of keys) id += `${k}\u0000${meta[k]}\u0000`;
  const hit = metas.get(id);
  if (hit !== undefined) return hit;
  if (metas.size >= MAX_INTERNED) metas.clear();
  metas.set(id, meta);
  return meta;
}

/**
 * The canonical actor id of the 16 id bytes at `start` of `bytes`. Why: every decoded message names members by their
 * bytes; a fresh hex string per decode cost its building and, at every member-table lookup, its
 * hashing and a full comparison. The canonical string is built once and keeps its hash.
 */
export function internActorId(bytes: Uint8Array, start = 0): ActorId {
  const key = latin1Slice.call(bytes, start, start + 16);
  const hit = idsByBytes.get(key);
  if (hit !== undefined) return hit;
  if (idsByBytes.size >= MAX_INTERNED) idsByBytes.clear();
  const id = internString(bytesToActorId(bytes.subarray(start, start + 16)));
  idsByBytes.set(key, id);
  return id;
}

/**
 * The 16 bytes of `id`, shared: callers must not modify them. Why: every encoded message names
 * members by their bytes, and parsing the hex id again for each encode showed in profiles.
 */
export function actorIdBytes(id: ActorId): Uint8Array {
  const hit = bytesById.get(id);
  if (hit !== undefined) return hit;
  if (bytesById.size >= MAX_INTERNED) bytesById.clear();
  const b = actorIdToBytes(id);
  bytesById.set(id, b);
  return b;
}
