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
