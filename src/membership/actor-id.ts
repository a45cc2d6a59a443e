import type { Rng } from '../runtime/rng.js';
import { randomBytes } from '../runtime/rng.js';
import type { ActorId } from '../store/types.js';

/** 32 lowercase hex characters. */
const ACTOR_ID_RE = /^[0-9a-f]{32}$/;

/** Whether `s` is a well-formed actor id. */
export function isActorId(s: unknown): s is ActorId {
  return typeof s === 'string' && ACTOR_ID_RE.test(s);
}

/** A new random actor id drawn from `rng` (deterministic for a seeded rng). */
export function newActorId(rng: Rng): ActorId {
  return bytesToActorId(randomBytes(rng, 16));
}

/** 16 bytes to an actor id. */
export function bytesToActorId(b: Uint8Array): ActorId {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') as ActorId;
}

/** An actor id to its 16 bytes. */
export function actorIdToBytes(id: ActorId): Uint8Array {
  return Buffer.from(id, 'hex');
}
