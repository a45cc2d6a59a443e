/**
 * The `.internal` name forms, parsed into data. Pure functions, table-tested in
 * `test/dns/names.test.ts`.
 * @packageDocumentation
 */

/** What a query name asks for, once the zone suffix is stripped. */
export type DnsName =
  /** The zone apex itself (`internal`): answers SOA. */
  | { readonly kind: 'apex' }
  /** `_apps.internal`: TXT, the app names. */
  | { readonly kind: 'apps' }
  /** `<app>.internal`: AAAA of the app's started machines. */
  | { readonly kind: 'app'; readonly app: string }
  /** `<region>.<app>.internal`: AAAA of the app's started machines in one region. */
  | { readonly kind: 'region'; readonly app: string; readonly region: string }
  /** `regions.<app>.internal`: TXT, the regions the app has started machines in. */
  | { readonly kind: 'regions'; readonly app: string }
  /** `vms.<app>.internal`: TXT, `<machine-id> <region>` of each started machine. */
  | { readonly kind: 'vms'; readonly app: string }
  /** `<group>.process.<app>.internal`: AAAA of the started machines of one process group. */
  | { readonly kind: 'group'; readonly app: string; readonly group: string }
  /** `<machine-id>.vm.<app>.internal`: AAAA of one machine, when started. */
  | { readonly kind: 'vm'; readonly app: string; readonly machineId: string }
  /** `top<N>.nearest.of.<app>.internal`: AAAA of the N started machines nearest this host. */
  | { readonly kind: 'nearest'; readonly app: string; readonly count: number }
  /** Inside the zone but no name form matches: the name does not exist (NXDOMAIN). */
  | { readonly kind: 'none' };

/** Labels that name a form, so they can never be a region, group or app in that position. */
export const RESERVED_LABELS: readonly string[] = ['regions', 'vms', 'process', 'vm', 'nearest', 'of'];

// A DNS label as apps, regions, groups and machine ids use them. Underscore is allowed so
// `_apps` parses; anything else (dots inside a label, escapes, spaces) cannot name a row.
const LABEL = /^[a-z0-9_][a-z0-9_-]{0,62}$/;
const TOP_N = /^top([1-9][0-9]{0,3})$/;

/**
 * Lower-cases `qname` and strips one trailing dot. DNS names compare case-insensitively, and
 * resolvers may randomise case (the "0x20" trick), so every comparison uses this form.
 */
export function canonicalName(qname: string): string {
  const lower = qname.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Parses a query name against the zone `domain` (canonical, e.g. `internal`). Returns `null`
 * when the name is outside the zone (the responder refuses it: it is authoritative for its
 * zone only and does not recurse), `{ kind: 'none' }` when it is inside the zone but matches no
 * form, and the parsed form otherwise. `maxNearest` bounds N in `top<N>.nearest.of...`; a
 * larger N does not name anything.
 */
export function parseName(qname: string, domain: string, maxNearest: number): DnsName | null {
  const name = canonicalName(qname);
  if (name === domain) return { kind: 'apex' };
  if (!name.endsWith(`.${domain}`)) return null;
  const labels = name.slice(0, -(domain.length + 1)).split('.');
  if (!labels.every((l) => LABEL.test(l))) return { kind: 'none' };
  const [a, b, c, d] = labels;
  switch (labels.length) {
    case 1:
      if (a === '_apps') return { kind: 'apps' };
      return isApp(a) ? { kind: 'app', app: a } : { kind: 'none' };
    case 2:
      if (!isApp(b)) return { kind: 'none' };
      if (a === 'regions') return { kind: 'regions', app: b };
      if (a === 'vms') return { kind: 'vms', app: b };
      return isValue(a) ? { kind: 'region', app: b, region: a } : { kind: 'none' };
    case 3:
      if (!isApp(c) || !isValue(a)) return { kind: 'none' };
      if (b === 'process') return { kind: 'group', app: c, group: a };
      if (b === 'vm') return { kind: 'vm', app: c, machineId: a };
      return { kind: 'none' };
    case 4: {
      const m = a === undefined ? null : TOP_N.exec(a);
      if (!m || b !== 'nearest' || c !== 'of' || !isApp(d)) return { kind: 'none' };
      const count = Number(m[1]);
      return count <= maxNearest ? { kind: 'nearest', app: d, count } : { kind: 'none' };
    }
    default:
      return { kind: 'none' };
  }
}

function isValue(label: string | undefined): label is string {
  return label !== undefined && !label.startsWith('_') && !RESERVED_LABELS.includes(label);
}

function isApp(label: string | undefined): label is string {
  return isValue(label);
}
