import { Gauge, type Registry } from 'prom-client';

/** What node metrics read at scrape time. */
export interface NodeMetricsSource {
  /** Store counters (`store.stats()`). */
  storeStats(): { loadedDocs: number; pendingChangesets: number; pendingBytes: number };
  /** Subscription counts (`manager.stats()`). */
  subscriptionStats(): { subscriptions: number; consumers: number; droppedConsumers: number };
}

/**
 * Registers gauges read at scrape time (prom-client `collect`), so nothing is computed
 * between scrapes: store sizes and live subscriptions.
 */
export function registerNodeMetrics(registry: Registry, source: NodeMetricsSource): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge(
    'corro_store_pending_changesets',
    'Changesets waiting for their Automerge dependencies.',
    () => source.storeStats().pendingChangesets,
  );
  gauge('corro_store_pending_bytes', 'Bytes of pending changesets.', () => source.storeStats().pendingBytes);
  gauge(
    'corro_store_loaded_docs',
    'Automerge documents loaded in memory.',
    () => source.storeStats().loadedDocs,
  );
  gauge(
    'corro_subscriptions',
    'Live subscriptions (distinct SQL and parameters).',
    () => source.subscriptionStats().subscriptions,
  );
  gauge(
    'corro_subscription_consumers',
    'Consumers attached to subscriptions.',
    () => source.subscriptionStats().consumers,
  );
}
