/**
 * The edge station's Prometheus metrics (GET /metrics, airlock_edge_*): what waits in the outbox by
 * priority class, and for how long (the oldest queued record's age: a station offline for too long
 * shows before its outbox fills), what the centre confirmed or refused, and 507s for a full outbox.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type OutboxStats, PRIORITIES } from './outbox.ts';

export function createEdgeMetrics(read: () => OutboxStats) {
  // One read of the outbox per scrape for the three gauges (each collect() would query it again).
  let last: { at: number; stats: OutboxStats } | undefined;
  const stats = () => {
    const at = Date.now();
    if (!last || at - last.at > 100) last = { at, stats: read() };
    return last.stats;
  };
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'airlock_edge_' });
  new Gauge({
    name: 'airlock_edge_queued_records',
    help: 'Records in the outbox by priority class',
    labelNames: ['priority'],
    registers: [registry],
    collect() {
      const s = stats();
      for (const p of PRIORITIES) this.set({ priority: p }, s.queued[p].records);
    },
  });
  new Gauge({
    name: 'airlock_edge_queued_bytes',
    help: 'Bytes of the outbox by priority class',
    labelNames: ['priority'],
    registers: [registry],
    collect() {
      const s = stats();
      for (const p of PRIORITIES) this.set({ priority: p }, s.queued[p].bytes);
    },
  });
  new Gauge({
    name: 'airlock_edge_oldest_queued_age_seconds',
    help: 'Age of the oldest record waiting in the outbox (0 when it is empty)',
    registers: [registry],
    collect() {
      const at = stats().oldestQueuedAt;
      this.set(at === undefined ? 0 : Math.max(0, (Date.now() - at) / 1000));
    },
  });
  return {
    registry,
    synced: new Counter({
      name: 'airlock_edge_synced_total',
      help: 'Records the centre confirmed durable',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'airlock_edge_rejected_total',
      help: 'Records the centre refused for good (reject list)',
      registers: [registry],
    }),
    full: new Counter({
      name: 'airlock_edge_outbox_full_total',
      help: 'Requests refused with 507: the outbox was full',
      registers: [registry],
    }),
  };
}
