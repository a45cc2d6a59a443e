import { Packr } from 'msgpackr';
import type {
  ActorBook,
  ActorId,
  Changeset,
  DocChange,
  Needs,
  SyncState,
  VersionRange,
} from '../store/types.js';
import type { ChannelMsg, GossipMsg, ReplicationMsg } from './messages.js';
import { WireCode } from './wire-codes.js';

/**
 * The replication wire codec: msgpack arrays `[code, ...fields]`. Decoding validates every
 * field against the bounds below and returns `undefined` for anything malformed, so hostile
 * or corrupt peer input is dropped and counted by the caller, never thrown into the node.
 */

/** Bounds enforced at decode time. A message beyond any of them is rejected whole. */
export const WIRE_LIMITS = {
  /** Largest encoded message accepted, in bytes (channel messages; gossip is far smaller). */
  maxMessageBytes: 64 * 1024 * 1024,
  /** Longest table or document name, in characters. */
  maxNameChars: 256,
  /** Most doc changes in one changeset. */
  maxChangesPerChangeset: 100_000,
  /** Most hashes in one dependency request. */
  maxDepHashes: 64,
  /** Longest SDP text, in characters. */
  maxSdpChars: 16 * 1024,
  /** Most actors in one sync state or needs map. */
  maxActors: 100_000,
  /** Most ranges (gaps or needs) per actor. */
  maxRangesPerActor: 10_000,
  /** Most relay slices in one two-hop push (`Fanout`). */
  maxSlices: 65_536,
  /** Most changesets in one channel message. */
  maxChangesetsPerMessage: 10_000,
} as const;

const packr = new Packr({ useRecords: false, mapsAsObjects: false, variableMapSize: true });

const ACTOR_RE = /^[0-9a-f]{32}$/;
const HASH_RE = /^[0-9a-f]{64}$/;
const CID_RE = /^[0-9a-f]{8,64}$/;

function isVersion(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
}
function isNonNeg(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
function isSid(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= 0xffffffff;
}
function isActor(x: unknown): x is ActorId {
  return typeof x === 'string' && ACTOR_RE.test(x);
}
function isName(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= WIRE_LIMITS.maxNameChars;
}

// ---- changesets ----

type WireChangeset = [string, number, number, [string, string, Uint8Array][]];

function changesetToWire(cs: Changeset): WireChangeset {
  return [cs.actor, cs.version, cs.ts, cs.changes.map((c) => [c.table, c.doc, c.data])];
}

function changesetFromWire(x: unknown): Changeset | undefined {
  if (!Array.isArray(x) || x.length !== 4) return undefined;
  const [actor, version, ts, changes] = x as unknown[];
  if (!isActor(actor) || !isVersion(version) || !isNonNeg(ts)) return undefined;
  if (!Array.isArray(changes) || changes.length > WIRE_LIMITS.maxChangesPerChangeset) return undefined;
  const out: DocChange[] = [];
  for (const c of changes) {
    if (!Array.isArray(c) || c.length !== 3) return undefined;
    const [table, doc, data] = c as unknown[];
    if (!isName(table) || !isName(doc) || !(data instanceof Uint8Array) || data.length === 0)
      return undefined;
    out.push({ table, doc, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
  return { actor, version, ts, changes: out } as unknown as Changeset;
}

// ---- ranges, books, needs ----

function rangesFromWire(x: unknown): VersionRange[] | undefined {
  if (!Array.isArray(x) || x.length > WIRE_LIMITS.maxRangesPerActor) return undefined;
  const out: VersionRange[] = [];
  for (const r of x) {
    if (!Array.isArray(r) || r.length !== 2) return undefined;
    const [from, to] = r as unknown[];
    if (!isVersion(from) || !isVersion(to) || from > to) return undefined;
    out.push([from, to]);
  }
  return out;
}

type WireState = [string, [string, number, [number, number][]][]];

function stateToWire(s: SyncState): WireState {
  return [
    s.actor,
    Object.entries(s.books).map(([a, b]) => [a, b.max, b.gaps.map((g) => [g[0], g[1]] as [number, number])]),
  ];
}

function stateFromWire(x: unknown): SyncState | undefined {
  if (!Array.isArray(x) || x.length !== 2) return undefined;
  const [actor, books] = x as unknown[];
  if (!isActor(actor) || !Array.isArray(books) || books.length > WIRE_LIMITS.maxActors) return undefined;
  const out: Record<string, ActorBook> = {};
  for (const b of books) {
    if (!Array.isArray(b) || b.length !== 3) return undefined;
    const [a, max, gapsRaw] = b as unknown[];
    if (!isActor(a) || !isNonNeg(max)) return undefined;
    const gaps = rangesFromWire(gapsRaw);
    if (!gaps || gaps.some((g) => g[1] > max)) return undefined;
    out[a] = { max, gaps };
  }
  return { actor, books: out };
}

type WireNeeds = [string, [number, number][]][];

function needsToWire(n: Needs): WireNeeds {
  return Object.entries(n).map(([a, rs]) => [a, rs.map((r) => [r[0], r[1]] as [number, number])]);
}

function needsFromWire(x: unknown): Needs | undefined {
  if (!Array.isArray(x) || x.length > WIRE_LIMITS.maxActors) return undefined;
  const out: Record<string, VersionRange[]> = {};
  for (const e of x) {
    if (!Array.isArray(e) || e.length !== 2) return undefined;
    const [a, rsRaw] = e as unknown[];
    if (!isActor(a)) return undefined;
    const rs = rangesFromWire(rsRaw);
    if (!rs) return undefined;
    out[a] = rs;
  }
  return out;
}

// ---- messages ----

/** Encodes one replication message. Throws only on a programming error (an invalid message). */
export function encodeMessage(msg: ReplicationMsg): Uint8Array {
  switch (msg.type) {
    case WireCode.Changeset:
      return packr.pack([msg.type, msg.relay ? 1 : 0, changesetToWire(msg.changeset)]);
    case WireCode.Fanout:
      return packr.pack([msg.type, msg.slice, msg.slices, changesetToWire(msg.changeset)]);
    case WireCode.Announce:
      return packr.pack([msg.type, msg.actor, msg.version, msg.ts, msg.sizeBytes]);
    case WireCode.DepRequest:
      return packr.pack([msg.type, msg.hashes]);
    case WireCode.Signal:
      return packr.pack([msg.type, msg.cid, msg.kind === 'offer' ? 0 : 1, msg.sdp]);
    case WireCode.SyncStart:
    case WireCode.SyncState:
      return packr.pack([msg.type, msg.sid, stateToWire(msg.state)]);
    case WireCode.SyncBusy:
    case WireCode.SyncEnd:
      return packr.pack([msg.type, msg.sid]);
    case WireCode.SyncPull:
      return packr.pack([msg.type, msg.sid, needsToWire(msg.needs)]);
    case WireCode.SyncChangesets:
      return packr.pack([msg.type, msg.sid, msg.changesets.map(changesetToWire), msg.last ? 1 : 0]);
  }
}

/** Decodes and validates one message; `undefined` for anything malformed or unknown. */
export function decodeMessage(bytes: Uint8Array): ReplicationMsg | undefined {
  if (bytes.length === 0 || bytes.length > WIRE_LIMITS.maxMessageBytes) return undefined;
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw) || raw.length < 2) return undefined;
  const f = raw as unknown[];
  const code = f[0];
  switch (code) {
    case WireCode.Changeset: {
      if (f.length !== 3 || (f[1] !== 0 && f[1] !== 1)) return undefined;
      const changeset = changesetFromWire(f[2]);
      return changeset && { type: code, relay: f[1] === 1, changeset };
    }
    case WireCode.Fanout: {
      const [, slice, slices] = f;
      if (f.length !== 4 || !isNonNeg(slice) || !isVersion(slices) || slices > WIRE_LIMITS.maxSlices)
        return undefined;
      if (slice >= slices) return undefined;
      const changeset = changesetFromWire(f[3]);
      return changeset && { type: code, slice, slices, changeset };
    }
    case WireCode.Announce: {
      const [, actor, version, ts, sizeBytes] = f;
      if (f.length !== 5 || !isActor(actor) || !isVersion(version) || !isNonNeg(ts) || !isNonNeg(sizeBytes))
        return undefined;
      return { type: code, actor, version, ts, sizeBytes };
    }
    case WireCode.DepRequest: {
      const hashes = f[1];
      if (f.length !== 2 || !Array.isArray(hashes) || hashes.length === 0) return undefined;
      if (hashes.length > WIRE_LIMITS.maxDepHashes) return undefined;
      if (!hashes.every((h) => typeof h === 'string' && HASH_RE.test(h))) return undefined;
      return { type: code, hashes: hashes as string[] };
    }
    case WireCode.Signal: {
      const [, cid, kind, sdp] = f;
      if (f.length !== 4 || typeof cid !== 'string' || !CID_RE.test(cid) || (kind !== 0 && kind !== 1))
        return undefined;
      if (typeof sdp !== 'string' || sdp.length === 0 || sdp.length > WIRE_LIMITS.maxSdpChars)
        return undefined;
      return { type: code, cid, kind: kind === 0 ? 'offer' : 'answer', sdp };
    }
    case WireCode.SyncStart:
    case WireCode.SyncState: {
      if (f.length !== 3 || !isSid(f[1])) return undefined;
      const state = stateFromWire(f[2]);
      return state && { type: code, sid: f[1], state };
    }
    case WireCode.SyncBusy:
    case WireCode.SyncEnd:
      if (f.length !== 2 || !isSid(f[1])) return undefined;
      return { type: code, sid: f[1] };
    case WireCode.SyncPull: {
      if (f.length !== 3 || !isSid(f[1])) return undefined;
      const needs = needsFromWire(f[2]);
      return needs && { type: code, sid: f[1], needs };
    }
    case WireCode.SyncChangesets: {
      const [, sid, list, last] = f;
      if (f.length !== 4 || !isSid(sid) || !Array.isArray(list) || (last !== 0 && last !== 1))
        return undefined;
      if (list.length > WIRE_LIMITS.maxChangesetsPerMessage) return undefined;
      const changesets: Changeset[] = [];
      for (const x of list) {
        const cs = changesetFromWire(x);
        if (!cs) return undefined;
        changesets.push(cs);
      }
      return { type: code, sid, changesets, last: last === 1 };
    }
    default:
      return undefined;
  }
}

/** True for messages that travel on membership's gossip (not on a channel). */
export function isGossipMsg(m: ReplicationMsg): m is GossipMsg {
  return m.type <= WireCode.Fanout;
}

/** True for messages that travel on a reliable channel. */
export function isChannelMsg(m: ReplicationMsg): m is ChannelMsg {
  return m.type >= WireCode.SyncStart;
}

/** Encoded size of a changeset inside a `Changeset` gossip message, in bytes. */
export function changesetMessageBytes(cs: Changeset, relay = true): number {
  return encodeMessage({ type: WireCode.Changeset, relay, changeset: cs }).length;
}
