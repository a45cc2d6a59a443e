/**
 * What the demo shows: a live redrawn panel on a terminal, plain timestamped lines otherwise
 * (pipes, CI, tests).
 * @packageDocumentation
 */
import type { NodeStatus } from './protocol.js';

/** One row of the node table. */
export interface NodeRow {
  readonly hostId: string;
  readonly region: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  readonly status: NodeStatus | null;
}

/** Where the demo reports. */
export interface DemoView {
  /** A new phase of the scenario. */
  step(title: string): void;
  /** A line of detail or a result. */
  info(line: string): void;
  /** The current node table (live on a terminal; printed as lines in plain mode). */
  nodes(rows: readonly NodeRow[], print?: boolean): void;
  /** A DNS answer to show prominently. */
  dns(line: string): void;
  close(): void;
}

/** Formats the node table as text lines. */
export function nodeTable(rows: readonly NodeRow[]): string[] {
  const digests = new Set(rows.filter((r) => r.status).map((r) => r.status?.digest));
  const out = [
    'host      region  pid      state    members (alive/suspect/dead)  hosts  machines  table digest',
  ];
  for (const r of rows) {
    const s = r.status;
    const m = s?.members ?? {};
    const members = s ? `${m.alive ?? 0}/${m.suspect ?? 0}/${(m.dead ?? 0) + (m.left ?? 0)}` : '-';
    const mark = s ? (digests.size === 1 ? ' (converged)' : '') : '';
    out.push(
      [
        r.hostId.padEnd(9),
        r.region.padEnd(7),
        String(r.pid ?? '-').padEnd(8),
        (r.running ? 'running' : 'crashed').padEnd(8),
        members.padEnd(29),
        String(s?.hosts ?? '-').padEnd(6),
        String(s?.machines ?? '-').padEnd(9),
        `${s?.digest ?? '-'}${mark}`,
      ].join(' '),
    );
  }
  return out;
}

/** Plain lines with the elapsed time, one event per line. */
export class PlainView implements DemoView {
  private readonly t0 = Date.now();
  constructor(private readonly write: (s: string) => void = (s) => process.stdout.write(s)) {}

  private line(s: string): void {
    const secs = ((Date.now() - this.t0) / 1000).toFixed(1).padStart(6);
    this.write(`[${secs}s] ${s}\n`);
  }

  step(title: string): void {
    this.line(`== ${title}`);
  }
  info(line: string): void {
    this.line(line);
  }
  nodes(rows: readonly NodeRow[], print = false): void {
    if (print) for (const l of nodeTable(rows)) this.line(`   ${l}`);
  }
  dns(line: string): void {
    this.line(`dns: ${line}`);
  }
  close(): void {}
}

const MAX_LOG_LINES = 14;

/** A panel redrawn in place on a terminal: title, node table, last DNS answer, recent events. */
export class TtyView implements DemoView {
  private title = 'starting';
  private rows: readonly NodeRow[] = [];
  private dnsLine = '';
  private log: string[] = [];
  private drawn = 0;
  private readonly t0 = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.out.write('\x1b[?25l'); // hide the cursor while redrawing
    this.timer = setInterval(() => this.draw(), 250);
  }

  step(title: string): void {
    this.title = title;
    this.push(`== ${title}`);
  }
  info(line: string): void {
    this.push(line);
  }
  nodes(rows: readonly NodeRow[]): void {
    this.rows = rows;
    this.draw();
  }
  dns(line: string): void {
    this.dnsLine = line;
    this.push(`dns: ${line}`);
  }
  close(): void {
    clearInterval(this.timer);
    this.draw();
    this.out.write('\x1b[?25h');
  }

  private push(line: string): void {
    const secs = ((Date.now() - this.t0) / 1000).toFixed(1).padStart(6);
    this.log.push(`[${secs}s] ${line}`);
    if (this.log.length > MAX_LOG_LINES) this.log = this.log.slice(-MAX_LOG_LINES);
    this.draw();
  }

  private draw(): void {
    const width = this.out.columns || 120;
    const lines = [
      `\x1b[1mcorro local fleet\x1b[0m  ${this.title}`,
      '',
      ...nodeTable(this.rows),
      '',
      `\x1b[1mDNS\x1b[0m ${this.dnsLine}`,
      '',
      ...this.log,
    ].map((l) => (l.length > width ? l.slice(0, width - 1) : l));
    let s = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '';
    s += `${lines.join('\n')}\n`;
    this.drawn = lines.length;
    this.out.write(s);
  }
}
