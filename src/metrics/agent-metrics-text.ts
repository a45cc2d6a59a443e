/** A snapshot of an agent's counters, as `agent.metrics()` returns it (structurally). */
export interface AgentMetricsSnapshot {
  readonly replication: Readonly<Record<string, number>>;
  readonly lag: {
    readonly count: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
  readonly membership: Readonly<Record<string, number>>;
  readonly store: Readonly<Record<string, number>>;
  readonly channels: number;
}

/**
 * Renders an agent's metrics snapshot as Prometheus text: every replication and membership
 * counter as `corro_replication_<name>` / `corro_membership_<name>` (snake case), the receive
 * lag quantiles in seconds, and open data channels. Store figures are left out: the node
 * metrics already export them.
 */
export function agentMetricsText(m: AgentMetricsSnapshot): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number, labels = '') => {
    if (!Number.isFinite(value)) return;
    if (!lines.some((l) => l.startsWith(`# TYPE ${name} `))) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    }
    lines.push(`${name}${labels} ${value}`);
  };
  for (const [k, v] of Object.entries(m.replication))
    gauge(`corro_replication_${snake(k)}`, `Replication counter ${k}.`, v);
  for (const [k, v] of Object.entries(m.membership))
    gauge(`corro_membership_${snake(k)}`, `Membership counter ${k}.`, v);
  gauge(
    'corro_receive_lag_seconds',
    'Receive lag (commit at the writer to apply here), by quantile.',
    m.lag.p50Ms / 1000,
    '{quantile="0.5"}',
  );
  gauge(
    'corro_receive_lag_seconds',
    'Receive lag (commit at the writer to apply here), by quantile.',
    m.lag.p99Ms / 1000,
    '{quantile="0.99"}',
  );
  gauge(
    'corro_receive_lag_seconds',
    'Receive lag (commit at the writer to apply here), by quantile.',
    m.lag.maxMs / 1000,
    '{quantile="1"}',
  );
  gauge('corro_receive_lag_samples', 'Remote changesets whose lag was measured.', m.lag.count);
  gauge('corro_data_channels', 'Open WebRTC data channels.', m.channels);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
}
