import type { Clock } from '../runtime/clock.js';
import type { HlcTimestamp } from './types.js';

/**
 * Hybrid logical clock (Kulkarni et al.): timestamps that follow the wall clock but never go
 * backwards and always exceed every timestamp seen from a peer. Packed into one safe integer as
 * `physicalMs * 1000 + logical` (see `HlcTimestamp`). When the logical counter would reach 1000
 * within one millisecond, the physical part is advanced by one instead (the clock runs ahead by
 * at most that millisecond).
 */

/** Logical values per millisecond (exclusive bound of the logical counter). */
export const HLC_LOGICAL_LIMIT = 1000;

/** Largest physical time that still packs into a safe integer (year 2255). */
export const HLC_MAX_PHYSICAL_MS = Math.floor(Number.MAX_SAFE_INTEGER / HLC_LOGICAL_LIMIT) - 1;

/** Packs a physical time and a logical counter. */
export function packHlc(physicalMs: number, logical: number): HlcTimestamp {
  return (physicalMs * HLC_LOGICAL_LIMIT + logical) as HlcTimestamp;
}

/** Splits a packed timestamp. */
export function unpackHlc(ts: HlcTimestamp | number): { physicalMs: number; logical: number } {
  const physicalMs = Math.floor(ts / HLC_LOGICAL_LIMIT);
  return { physicalMs, logical: ts - physicalMs * HLC_LOGICAL_LIMIT };
}

/** Whether `ts` is a well-formed timestamp (a non-negative safe integer). */
export function isHlcTimestamp(ts: unknown): ts is HlcTimestamp {
  return typeof ts === 'number' && Number.isSafeInteger(ts) && ts >= 0;
}

function advance(physicalMs: number, logical: number): HlcTimestamp {
  if (logical >= HLC_LOGICAL_LIMIT) return packHlc(physicalMs + 1, 0);
  return packHlc(physicalMs, logical);
}

/** The timestamp for a local event: `last` is the previous timestamp, `wallMs` the wall clock. */
export function hlcSend(last: HlcTimestamp | number, wallMs: number): HlcTimestamp {
  const l = unpackHlc(last);
  const wall = Math.min(Math.floor(wallMs), HLC_MAX_PHYSICAL_MS);
  if (wall > l.physicalMs) return packHlc(wall, 0);
  return advance(l.physicalMs, l.logical + 1);
}

/**
 * The clock state after receiving `remote` from a peer: greater than both `last` and `remote`.
 * A remote timestamp more than `maxDriftMs` ahead of the wall clock is ignored (returns `last`)
 * so one peer with a broken clock cannot drag every node's clock into the future.
 */
export function hlcReceive(
  last: HlcTimestamp | number,
  remote: HlcTimestamp | number,
  wallMs: number,
  maxDriftMs: number,
): HlcTimestamp {
  const l = unpackHlc(last);
  const r = unpackHlc(remote);
  const wall = Math.min(Math.floor(wallMs), HLC_MAX_PHYSICAL_MS);
  if (r.physicalMs > wall + maxDriftMs) return last as HlcTimestamp;
  const phys = Math.max(wall, l.physicalMs, r.physicalMs);
  if (phys === l.physicalMs && phys === r.physicalMs)
    return advance(phys, Math.max(l.logical, r.logical) + 1);
  if (phys === l.physicalMs) return advance(phys, l.logical + 1);
  if (phys === r.physicalMs) return advance(phys, r.logical + 1);
  return packHlc(phys, 0);
}

/** A hybrid logical clock over an injected wall clock (virtual in the simulator). */
export class HybridClock {
  private last: HlcTimestamp;

  /**
   * @param clock the wall clock (from the runtime)
   * @param maxDriftMs remote timestamps further ahead of the wall clock than this are not
   *   adopted; default 60 000 ms
   * @param last the last timestamp issued before a restart, so time never goes backwards
   */
  constructor(
    private readonly clock: Clock,
    private readonly maxDriftMs = 60_000,
    last = 0,
  ) {
    this.last = last as HlcTimestamp;
  }

  /** A new timestamp for a local event, greater than every earlier one. */
  now(): HlcTimestamp {
    this.last = hlcSend(this.last, this.clock.now());
    return this.last;
  }

  /** Adopts a peer's timestamp so later local timestamps exceed it. */
  receive(remote: HlcTimestamp): void {
    this.last = hlcReceive(this.last, remote, this.clock.now(), this.maxDriftMs);
  }

  /** The last timestamp issued or adopted. */
  peek(): HlcTimestamp {
    return this.last;
  }
}
