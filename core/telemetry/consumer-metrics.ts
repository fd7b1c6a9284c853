/**
 * Prometheus metrics of a consumer stage (issue #16 §2), named by stage (`airlock_validators_*`,
 * `airlock_router_*`) and served on its health port at GET /metrics: records in and out, the DLQ
 * by code and rule, transactions and their latency, the output breaker, and the consumer lag per
 * partition, read from the broker at each scrape (so a stage that is stuck still shows its lag
 * growing). A stage adds its own series to `registry` (the validators: history stores, reference data).
 */
import type { Admin } from 'kafkajs';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState } from '../circuit-breaker.ts';
import type { InputRecord, OutputRecord } from '../consumer/transform-loop.ts';
import { ErrorHeader } from '../headers.ts';
import type { ConsumerStageName } from '../stage/names.ts';

export interface ConsumerMetrics {
  registry: Registry;
  /** A committed batch: its inputs and outputs counted, DLQ outputs by code and rule. */
  committed(inputs: readonly InputRecord[], outputs: readonly OutputRecord[]): void;
  /** One transaction's outcome and duration (transform-loop.ts). */
  transaction(outcome: 'committed' | 'failed', seconds: number): void;
}

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export function createConsumerMetrics(opts: {
  stage: ConsumerStageName;
  dlqTopic: string;
  groupId: string;
  inputTopic: string;
  /** Connected; used at each scrape for the lag. */
  admin: Admin;
  breaker: () => BreakerState;
}): ConsumerMetrics {
  const registry = new Registry();
  const p = `airlock_${opts.stage}_`;
  collectDefaultMetrics({ register: registry, prefix: p });
  const recordsIn = new Counter({
    name: `${p}records_in_total`,
    help: 'Input records committed (consumed and answered by a committed transaction), by topic',
    labelNames: ['topic'],
    registers: [registry],
  });
  const recordsOut = new Counter({
    name: `${p}records_out_total`,
    help: 'Output records committed, by topic (destinations, the DLQ, history changelogs)',
    labelNames: ['topic'],
    registers: [registry],
  });
  const dlq = new Counter({
    name: `${p}dlq_records_total`,
    help: 'Records sent to the DLQ, by error code and rule id (a record breaking two rules counts under each)',
    labelNames: ['code', 'rule'],
    registers: [registry],
  });
  const transactions = new Counter({
    name: `${p}transactions_total`,
    help: 'Transactions by outcome: committed, or failed (aborted or not answered; the batch is retried)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const transactionSeconds = new Histogram({
    name: `${p}transaction_seconds`,
    help: 'From the first write of a transaction to its commit (or its failure)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: `${p}output_breaker_state`,
    help: 'The output circuit breaker: 0 closed, 1 half-open, 2 open (the destinations cannot be written)',
    registers: [registry],
    collect() {
      this.set(BREAKER_VALUE[opts.breaker()]);
    },
  });
  new Gauge({
    name: `${p}consumer_lag`,
    help: "Records of the input partition after the group's committed offset (the broker's end offset less the committed one; a transaction marker counts as one)",
    labelNames: ['topic', 'partition'],
    registers: [registry],
    async collect() {
      const topic = opts.inputTopic;
      const [ends, groups] = await Promise.all([
        opts.admin.fetchTopicOffsets(topic),
        opts.admin.fetchOffsets({ groupId: opts.groupId, topics: [topic] }),
      ]);
      const committed = new Map(
        (groups.find((g) => g.topic === topic)?.partitions ?? []).map((q) => [q.partition, BigInt(q.offset)]),
      );
      this.reset();
      for (const e of ends) {
        const at = committed.get(e.partition) ?? -1n;
        // No offset committed yet: the whole partition is behind (its low watermark on).
        const from = at < 0n ? BigInt(e.low) : at;
        const lag = BigInt(e.high) - from;
        this.set({ topic, partition: String(e.partition) }, Number(lag > 0n ? lag : 0n));
      }
    },
  });
  return {
    registry,
    committed(inputs, outputs) {
      const byTopic = new Map<string, number>();
      for (const i of inputs) byTopic.set(i.topic, (byTopic.get(i.topic) ?? 0) + 1);
      for (const [topic, n] of byTopic) recordsIn.inc({ topic }, n);
      byTopic.clear();
      for (const o of outputs) {
        byTopic.set(o.topic, (byTopic.get(o.topic) ?? 0) + 1);
        if (o.topic !== opts.dlqTopic) continue;
        const headers = (o.message.headers ?? {}) as Record<string, unknown>;
        const code = text(headers[ErrorHeader.code]) ?? 'unknown';
        const rules = (text(headers[ErrorHeader.ruleIds]) ?? '').split(',').filter((r) => r !== '');
        for (const rule of rules.length > 0 ? rules : ['none']) dlq.inc({ code, rule });
      }
      for (const [topic, n] of byTopic) recordsOut.inc({ topic }, n);
    },
    transaction(outcome, seconds) {
      transactions.inc({ outcome });
      transactionSeconds.observe(seconds);
    },
  };
}
