import { Packr } from 'msgpackr';

/**
 * The packet body (inside the seal): a msgpack array
 * `[protocolVersion, clusterName, senderId (16-byte bin), messages (array of bin)]`.
 * Each message is itself a msgpack-encoded array `[typeCode, ...fields]`, kept as opaque bytes
 * here so a message is encoded once and piggybacked on many packets (compound packets).
 */

/** Protocol version carried by every packet. Append-only. */
export const PROTOCOL_VERSION = 1;
/** Bound on messages in one packet; a packet claiming more is rejected as a decode error. */
export const MAX_MESSAGES_PER_PACKET = 256;
/** Bound on the cluster name, in UTF-8 bytes. */
export const MAX_CLUSTER_NAME_BYTES = 64;

// Plain msgpack: no records, no structure sharing, no extension types, so other
// implementations can read it and a peer cannot make us build unusual objects.
const packr = new Packr({
  useRecords: false,
  moreTypes: false,
  bundleStrings: false,
  structuredClone: false,
});

/** Encodes a value as plain msgpack. */
export function packValue(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes plain msgpack; throws on malformed input (callers catch and count). */
export function unpackValue(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

/** A decoded packet body. */
export interface Envelope {
  readonly version: number;
  readonly cluster: string;
  /** 16-byte sender actor id. */
  readonly sender: Uint8Array;
  /** Encoded messages. */
  readonly messages: readonly Uint8Array[];
}

/** Encodes a packet body. */
export function encodeEnvelope(
  cluster: string,
  sender: Uint8Array,
  messages: readonly Uint8Array[],
): Uint8Array {
  return packr.pack([PROTOCOL_VERSION, cluster, sender, messages]);
}

/** Why a body was rejected. */
export type EnvelopeFailure = 'decode' | 'version' | 'cluster';

/** Decodes and validates a packet body. Never throws. */
export function decodeEnvelope(
  body: Uint8Array,
  expectedCluster: string,
): { ok: true; envelope: Envelope } | { ok: false; reason: EnvelopeFailure } {
  let v: unknown;
  try {
    v = packr.unpack(body);
  } catch {
    return { ok: false, reason: 'decode' };
  }
  if (!Array.isArray(v) || v.length !== 4) return { ok: false, reason: 'decode' };
  const [version, cluster, sender, messages] = v as unknown[];
  if (typeof version !== 'number') return { ok: false, reason: 'decode' };
  if (version !== PROTOCOL_VERSION) return { ok: false, reason: 'version' };
  if (typeof cluster !== 'string') return { ok: false, reason: 'decode' };
  if (cluster !== expectedCluster) return { ok: false, reason: 'cluster' };
  if (!(sender instanceof Uint8Array) || sender.length !== 16) return { ok: false, reason: 'decode' };
  if (!Array.isArray(messages) || messages.length > MAX_MESSAGES_PER_PACKET)
    return { ok: false, reason: 'decode' };
  for (const m of messages) if (!(m instanceof Uint8Array)) return { ok: false, reason: 'decode' };
  return { ok: true, envelope: { version, cluster, sender, messages: messages as Uint8Array[] } };
}

/** msgpack header bytes for a bin of `len` bytes. */
export function binHeaderBytes(len: number): number {
  return len < 256 ? 2 : len < 65536 ? 3 : 5;
}

/** msgpack header bytes for a string of `len` UTF-8 bytes. */
export function strHeaderBytes(len: number): number {
  return len < 32 ? 1 : len < 256 ? 2 : len < 65536 ? 3 : 5;
}

/**
 * Upper bound of an envelope's size without its messages: array header, version, cluster
 * string, sender bin, messages array header.
 */
export function envelopeOverheadBytes(clusterNameBytes: number): number {
  return 1 + 1 + strHeaderBytes(clusterNameBytes) + clusterNameBytes + binHeaderBytes(16) + 16 + 3;
}

/** Bytes one encoded message adds to an envelope. */
export function messageCostBytes(encodedLen: number): number {
  return encodedLen + binHeaderBytes(encodedLen);
}
