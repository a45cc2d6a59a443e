/**
 * Turns a parsed `.internal` name and a query type into records, from the fleet tables.
 * No packets here: `responder.ts` wraps this in DNS messages.
 * @packageDocumentation
 */
import { isIPv6 } from 'node:net';
import type { FleetReader, HostLiveness } from './fleet-reader.js';
import type { MachineRow } from './fleet-schema.js';
import type { DnsName } from './names.js';

/** Round-trip (or one-way) latency between two regions, in ms; used only to order regions. */
export type RegionLatency = (from: string, to: string) => number;

/** A record the responder will put in the answer section. */
export type AnswerRecord =
  | { readonly type: 'AAAA'; readonly data: string }
  | { readonly type: 'TXT'; readonly data: string };

/**
 * The outcome for one question. `exists: false` is NXDOMAIN; `exists: true` with no records is
 * NODATA (the name exists, but has nothing of that type: NOERROR with an empty answer).
 */
export interface Lookup {
  readonly exists: boolean;
  readonly records: readonly AnswerRecord[];
}

/** What {@link lookup} needs besides the name. */
export interface LookupContext {
  readonly reader: FleetReader;
  /** Region of this host, the origin for `top<N>.nearest.of.<app>`. */
  readonly localRegion: string;
  readonly latency: RegionLatency;
  /** Live-host filter for this query; `undefined` answers every host's machines. */
  readonly liveness: HostLiveness | undefined;
  /** Upper bound on address records in one answer, and on entries in one TXT list. */
  readonly maxAnswerRecords: number;
  /** Rotates address answers (round robin) so clients that take the first spread their load. */
  readonly rotation: number;
}

const NONE: Lookup = { exists: false, records: [] };

/**
 * Answers `name` for query type `qtype` (`AAAA`, `TXT`, `ANY`, or anything else, which gets
 * NODATA for an existing name). A name exists when at least one machine row, in any state,
 * matches it; only `started` machines on live hosts appear in the records.
 */
export async function lookup(name: DnsName, qtype: string, ctx: LookupContext): Promise<Lookup> {
  const wantsAddr = qtype === 'AAAA' || qtype === 'ANY';
  const wantsTxt = qtype === 'TXT' || qtype === 'ANY';
  switch (name.kind) {
    case 'none':
      return NONE;
    case 'apex':
      return { exists: true, records: [] };
    case 'apps': {
      const apps = (await ctx.reader.apps()).slice(0, ctx.maxAnswerRecords);
      return { exists: true, records: wantsTxt && apps.length > 0 ? [txt(apps.join(','))] : [] };
    }
    default:
      break;
  }
  const all = await ctx.reader.appMachines(name.app);
  if (all.length === 0) return NONE;
  // A row with a malformed address cannot be encoded; it is left out rather than failing the answer.
  const live = all.filter(
    (m) => m.state === 'started' && isIPv6(m.ipv6) && (ctx.liveness === undefined || ctx.liveness(m.host_id)),
  );
  switch (name.kind) {
    case 'app':
      return { exists: true, records: wantsAddr ? addresses(live, ctx) : [] };
    case 'region':
      return addressesIf(all, live, (m) => m.region === name.region, wantsAddr, ctx);
    case 'group':
      return addressesIf(all, live, (m) => m.process_group === name.group, wantsAddr, ctx);
    case 'vm':
      return addressesIf(all, live, (m) => m.id === name.machineId, wantsAddr, ctx);
    case 'regions': {
      const regions = [...new Set(live.map((m) => m.region))].sort();
      return { exists: true, records: wantsTxt && regions.length > 0 ? [txt(regions.join(','))] : [] };
    }
    case 'vms': {
      const vms = live.slice(0, ctx.maxAnswerRecords).map((m) => `${m.id} ${m.region}`);
      return { exists: true, records: wantsTxt && vms.length > 0 ? [txt(vms.join(','))] : [] };
    }
    case 'nearest': {
      const nearest = nearestMachines(live, ctx.localRegion, ctx.latency).slice(0, name.count);
      // Nearest answers keep their order (nearest first), so no rotation.
      return { exists: true, records: wantsAddr ? nearest.map((m) => aaaa(m.ipv6)) : [] };
    }
  }
}

/**
 * Machines ordered by latency from `origin` to their region, then region code, then id: a
 * stable order. A region the latency function does not know (it throws or returns NaN) sorts
 * after every known one.
 */
export function nearestMachines(
  machines: readonly MachineRow[],
  origin: string,
  latency: RegionLatency,
): MachineRow[] {
  const cost = new Map<string, number>();
  const costOf = (region: string): number => {
    let c = cost.get(region);
    if (c === undefined) {
      c = safeLatency(latency, origin, region);
      cost.set(region, c);
    }
    return c;
  };
  return [...machines].sort((x, y) => {
    const d = costOf(x.region) - costOf(y.region);
    if (d !== 0 && !Number.isNaN(d)) return d;
    return compare(x.region, y.region) || compare(x.id, y.id);
  });
}

/** Latency that never throws: unknown pairs cost +Infinity, the same region costs 0 at most. */
export function safeLatency(latency: RegionLatency, from: string, to: string): number {
  try {
    const v = latency(from, to);
    return Number.isFinite(v) ? v : from === to ? 0 : Number.POSITIVE_INFINITY;
  } catch {
    return from === to ? 0 : Number.POSITIVE_INFINITY;
  }
}

/** The default when no latency matrix is given: the local region first, the rest equal. */
export const sameRegionFirst: RegionLatency = (from, to) => (from === to ? 0 : 1);

function addressesIf(
  all: readonly MachineRow[],
  live: readonly MachineRow[],
  match: (m: MachineRow) => boolean,
  wantsAddr: boolean,
  ctx: LookupContext,
): Lookup {
  if (!all.some(match)) return NONE;
  return { exists: true, records: wantsAddr ? addresses(live.filter(match), ctx) : [] };
}

function addresses(machines: readonly MachineRow[], ctx: LookupContext): AnswerRecord[] {
  const n = machines.length;
  if (n === 0) return [];
  const start = ctx.rotation % n;
  const out: AnswerRecord[] = [];
  for (let i = 0; i < n && out.length < ctx.maxAnswerRecords; i++) {
    const m = machines[(start + i) % n] as MachineRow;
    out.push(aaaa(m.ipv6));
  }
  return out;
}

function aaaa(ip: string): AnswerRecord {
  return { type: 'AAAA', data: ip };
}

function txt(s: string): AnswerRecord {
  return { type: 'TXT', data: s };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
