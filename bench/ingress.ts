/**
 * `npm run bench:ingress`: the ingress under load over mutual TLS with valid, bound tokens, against
 * a baseline measured in the same run: a bare kafkajs idempotent producer publishing the same
 * records with the same micro-batching (linger, cap) and acks=all. Prints numbers and ratios; it is
 * not a test. Needs the local stack (npm run stack:up).
 *
 * 1. closed loop, C concurrent senders, D seconds: maximum single-record requests/s;
 * 2. closed loop with NDJSON batches of B records: records/s;
 * 3. open loop at half the single-record maximum: latency percentiles (202 = durable);
 * 4. baseline: the same records, C (and C × B) in flight, straight into Kafka.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { lineageHeaders } from '../core/headers.ts';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { createMicroBatcher } from '../ingress/micro-batch.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';
import { closedLoop, fmt, openLoop, pct, tablet, UNTHROTTLED_INGRESS } from './lib.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const LINGER_MS = 2;
const MAX_BATCH = 500;
/** The ingress's transactional producers (AIRLOCK_INGRESS_TRANSACTIONAL_PRODUCERS; its default when unset). */
const TX_PRODUCERS = process.env.BENCH_TX_PRODUCERS;

const s = await services();
const p = await startPipeline(s, ['ingress'], {
  ...UNTHROTTLED_INGRESS,
  AIRLOCK_INGRESS_PUBLISH_LINGER_MS: String(LINGER_MS),
  AIRLOCK_INGRESS_PUBLISH_BATCH_MAX_RECORDS: String(MAX_BATCH),
  ...(TX_PRODUCERS ? { AIRLOCK_INGRESS_TRANSACTIONAL_PRODUCERS: TX_PRODUCERS } : {}),
});
const client = await tablet(p, CONCURRENCY);
const ndjson = `${Array.from({ length: BATCH }, () => client.body).join('\n')}\n`;
const single = () => client.post();

// Warm-up: TLS sessions, JIT, the producer's first metadata.
await closedLoop(single, 2, CONCURRENCY);
const maxRps = await closedLoop(single, SECONDS, CONCURRENCY);
const batchRps = await closedLoop(() => client.post(ndjson, 'application/x-ndjson'), SECONDS, CONCURRENCY);
const latencies: number[] = [];
let errors = 0;
await openLoop(maxRps / 2, SECONDS, single, (t0, r) => {
  if (r?.status === 202) latencies.push(performance.now() - t0);
  else errors++;
});
latencies.sort((a, b) => a - b);

// Baseline: the same records, batched the same way (the ingress's own micro-batcher), acks=all,
// straight into Kafka.
assertReadCommittedSafe();
const kafka = new Kafka({ clientId: 'bench-baseline', brokers: s.brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
await producer.connect();
const headers = lineageHeaders({
  traceId: crypto.randomUUID(),
  route: 'parts-trace',
  receivedAt: new Date().toISOString(),
  source: 'http',
  subject: 'bench',
  role: 'certifying_staff',
  maintenanceContext: Buffer.from(client.ctx, 'base64').toString(),
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});
const baseline = createMicroBatcher({
  lingerMs: LINGER_MS,
  maxItems: MAX_BATCH,
  send: (messages: { key: string; value: string; headers: Record<string, string> }[]) =>
    producer.send({ topic: p.topics.ingress, acks: -1, messages }),
});
const baselineSend = () => baseline.add({ key: 'D-AIBL', value: client.body, headers });
await closedLoop(baselineSend, 2, CONCURRENCY);
const baselineRps = await closedLoop(baselineSend, SECONDS, CONCURRENCY);
// The batched phase keeps C × B records in flight; so does its baseline.
const baselineBatchRps = await closedLoop(baselineSend, SECONDS, CONCURRENCY * BATCH);
await producer.disconnect();
client.close();
await p.stop();

console.log(
  `bench/ingress — ${CONCURRENCY} concurrent senders, ${SECONDS} s per phase, linger ${LINGER_MS} ms, batch cap ${MAX_BATCH}, acks=all`,
);
console.log(`  ingress single-record, closed loop:     ${fmt(maxRps)} requests/s (= records/s)`);
console.log(`  baseline bare kafkajs producer:         ${fmt(baselineRps)} records/s`);
console.log(`  ratio single-record ingress / baseline: ${fmt((100 * maxRps) / baselineRps)} %`);
console.log(
  `  open loop at half the max (${fmt(maxRps / 2)} req/s): p50 ${fmt(pct(latencies, 0.5))} ms, p99 ${fmt(pct(latencies, 0.99))} ms, max ${fmt(latencies.at(-1) ?? Number.NaN)} ms, errors ${errors}`,
);
console.log(
  `  ingress batched (${BATCH} records/request NDJSON): ${fmt(batchRps)} requests/s = ${fmt(batchRps * BATCH)} records/s`,
);
console.log(
  `  baseline with ${CONCURRENCY * BATCH} records in flight:     ${fmt(baselineBatchRps)} records/s`,
);
console.log(
  `  ratio batched ingress / that baseline: ${fmt((100 * batchRps * BATCH) / baselineBatchRps)} %  (target ≥ 50 %)`,
);
process.exit(0);
