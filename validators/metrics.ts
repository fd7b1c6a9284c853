/**
 * The validators' own series beside the consumer stage's (core/consumer/metrics.ts): their history
 * stores (entries held, partitions held and restoring, the last restore's duration) and their
 * reference data (entries per kind, and the age of the newest record of each kind: an export that
 * stopped shows as an age that grows). Read at each scrape.
 */
import { Gauge, type Registry } from 'prom-client';
import type { HistoryStores } from '../core/history/history.ts';

export function registerValidatorMetrics(
  registry: Registry,
  history: Pick<HistoryStores, 'held' | 'restoring' | 'lastRestore' | 'entries'>,
  reference: { sizes(): Record<string, number>; newest(): ReadonlyMap<string, number> },
): void {
  const p = 'airlock_validators_';
  new Gauge({
    name: `${p}history_entries`,
    help: 'Entries held in the history stores of the partitions this process owns, by store',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      const sum = new Map<string, number>();
      for (const partition of history.held)
        for (const [store, m] of Object.entries(history.entries(partition) ?? {}))
          sum.set(store, (sum.get(store) ?? 0) + m.size);
      this.reset();
      for (const [store, n] of sum) this.set({ store }, n);
    },
  });
  new Gauge({
    name: `${p}history_partitions`,
    help: 'Input partitions whose history is held (restored) or being restored',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'held' }, history.held.length);
      this.set({ state: 'restoring' }, history.restoring.length);
    },
  });
  new Gauge({
    name: `${p}history_last_restore_seconds`,
    help: "How long the last restore of a partition's history took (0 before the first)",
    registers: [registry],
    collect() {
      this.set((history.lastRestore?.ms ?? 0) / 1000);
    },
  });
  new Gauge({
    name: `${p}reference_entries`,
    help: 'Reference data entries held, by kind (technicians, fleet, approvals, …)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const [kind, n] of Object.entries(reference.sizes())) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: `${p}reference_age_seconds`,
    help: 'Seconds since the newest reference record of each kind was written (absent for a kind never published)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const now = Date.now();
      this.reset();
      for (const [kind, at] of reference.newest()) this.set({ kind }, Math.max(0, (now - at) / 1000));
    },
  });
}
