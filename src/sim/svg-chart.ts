/** One line of a chart: a name, a colour and its points `[x, y]`. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

/** What a line chart shows. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Fixed y range (e.g. [0, 1] for fractions); default from the data, starting at 0. */
  readonly yRange?: readonly [number, number];
  /** Vertical marker lines, e.g. the latency lower bound. */
  readonly markers?: readonly { readonly x: number; readonly label: string }[];
  readonly width?: number;
  readonly height?: number;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A "nice" tick step (1, 2 or 5 times a power of ten) giving about `count` ticks. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

const fmt = (v: number): string => {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(a < 1 && a > 0 ? 2 : 1)}`;
};

/**
 * Renders a line chart as a standalone SVG string: axes with nice ticks, one polyline per
 * series, a legend, optional vertical markers. No dependencies, deterministic output.
 */
export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 320;
  const m = { l: 64, r: 16, t: 32, b: 48 };
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]).concat((spec.markers ?? []).map((k) => k.x));
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(xMin + 1e-9, ...xs);
  const yMin = spec.yRange?.[0] ?? 0;
  const yMax = spec.yRange?.[1] ?? Math.max(yMin + 1e-9, ...all.map((p) => p[1])) * 1.05;
  const px = (x: number) => m.l + ((x - xMin) / (xMax - xMin)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - yMin) / (yMax - yMin)) * (H - m.t - m.b);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
  );
  out.push(
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(spec.title)}</text>`,
  );
  const xStep = niceStep(xMax - xMin);
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
    const X = px(x).toFixed(1);
    out.push(`<line x1="${X}" y1="${m.t}" x2="${X}" y2="${H - m.b}" stroke="#eee"/>`);
    out.push(`<text x="${X}" y="${H - m.b + 14}" text-anchor="middle">${fmt(x)}</text>`);
  }
  const yStep = niceStep(yMax - yMin);
  for (let y = Math.ceil(yMin / yStep) * yStep; y <= yMax + 1e-9; y += yStep) {
    const Y = py(y).toFixed(1);
    out.push(`<line x1="${m.l}" y1="${Y}" x2="${W - m.r}" y2="${Y}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${Y}" text-anchor="end" dominant-baseline="middle">${fmt(y)}</text>`);
  }
  out.push(
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
  );
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(
    `<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  for (const k of spec.markers ?? []) {
    const X = px(k.x).toFixed(1);
    out.push(`<line x1="${X}" y1="${m.t}" x2="${X}" y2="${H - m.b}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${X}" y="${m.t + 10}" fill="#c00" dx="3">${esc(k.label)}</text>`);
  }
  spec.series.forEach((s, i) => {
    if (s.points.length > 0) {
      const pts = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ');
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.8" points="${pts}"/>`);
    }
    const ly = m.t + 4 + i * 14;
    out.push(`<rect x="${W - m.r - 150}" y="${ly}" width="10" height="3" fill="${s.color}"/>`);
    out.push(`<text x="${W - m.r - 135}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
