/**
 * `npm run bench:ingress`: the ingress under load over mutual TLS with valid, bound tokens, against
 * a baseline measured in the same run: a bare kafkajs idempotent producer publishing the same
 * records with the same micro-batching (linger, cap) and acks=all. Prints numbers and ratios; it is
 * not a test. Needs the local stack (npm run stack:up).
 *
 * 1. closed loop, C concurrent senders, D seconds: maximum single-record requests/s;
 * 2. closed loop with NDJSON batches of B records: records/s;
 * 3. open loop at half the single-record maximum: latency percentiles (202 = durable);
 * 4. baseline: the same records, C concurrent publishers, straight into Kafka.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { lineageHeaders } from '../core/headers.ts';
import { contextHeader, sampleContext, sampleRecord } from '../scripts/lib/sample.ts';
import { tokenFor } from '../test/support/https.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LINGER_MS = 2;
const MAX_BATCH = 500;

const s = await services();
const p = await startPipeline(s, ['ingress'], {
  AIRLOCK_INGRESS_ACCESS_LOG: 'false',
  // The limiter stays in the path (one Redis round trip per request) but must not throttle the load.
  AIRLOCK_INGRESS_RATE_LIMITS: '{"*":{"limit":100000000,"windowMs":1000}}',
  AIRLOCK_INGRESS_LINGER_MS: String(LINGER_MS),
  AIRLOCK_INGRESS_MAX_BATCH_RECORDS: String(MAX_BATCH),
});
const agent = new Agent({
  keepAlive: true,
  maxSockets: CONCURRENCY,
  ca: readFileSync(`${p.pki}/ca.crt`),
  cert: readFileSync(`${p.pki}/client-certifying_staff.crt`),
  key: readFileSync(`${p.pki}/client-certifying_staff.key`),
});
const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 3600 });
const body = JSON.stringify(sampleRecord());
const ctx = contextHeader(sampleContext());
const url = new URL(`${p.url}/v1/parts/trace`);

const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const ndjson = `${Array.from({ length: BATCH }, () => body).join('\n')}\n`;

function post(payload = body, type = 'application/json'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': type,
          'x-maintenance-context': ctx,
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const pct = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function closedLoop(
  send: () => Promise<unknown>,
  seconds: number,
  concurrency = CONCURRENCY,
): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await send();
        done++;
      }
    }),
  );
  return done / seconds;
}

async function openLoop(rate: number, seconds: number): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.floor(rate * seconds);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      post().then(
        (status) => {
          if (status === 202) latencies.push(performance.now() - t0);
          else errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  return { latencies: latencies.sort((a, b) => a - b), errors };
}

// Warm-up: TLS sessions, JIT, the producer's first metadata.
await closedLoop(() => post(), 2);
const maxRps = await closedLoop(() => post(), SECONDS);
const batchRps = await closedLoop(() => post(ndjson, 'application/x-ndjson'), SECONDS);
const half = await openLoop(maxRps / 2, SECONDS);

// Baseline: the same records, batched the same way, acks=all, straight into Kafka.
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
  maintenanceContext: Buffer.from(ctx, 'base64').toString(),
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});
let queue: { resolve: () => void }[] = [];
let timer: NodeJS.Timeout | undefined;
const flush = () => {
  clearTimeout(timer);
  timer = undefined;
  const batch = queue;
  queue = [];
  if (batch.length === 0) return;
  void producer
    .send({
      topic: p.topics.ingress,
      acks: -1,
      messages: batch.map(() => ({ key: 'D-AIBL', value: body, headers })),
    })
    .then(() => {
      for (const b of batch) b.resolve();
    });
};
const baselineSend = () =>
  new Promise<void>((resolve) => {
    queue.push({ resolve });
    if (queue.length >= MAX_BATCH) flush();
    else timer ??= setTimeout(flush, LINGER_MS);
  });
await closedLoop(baselineSend, 2);
const baselineRps = await closedLoop(baselineSend, SECONDS);
// The batched phase keeps C × B records in flight; so does its baseline.
const baselineBatchRps = await closedLoop(baselineSend, SECONDS, CONCURRENCY * BATCH);
await producer.disconnect();
agent.destroy();
await p.stop();

const fmt = (n: number) => n.toFixed(1);
console.log(
  `bench/ingress — ${CONCURRENCY} concurrent senders, ${SECONDS} s per phase, linger ${LINGER_MS} ms, batch cap ${MAX_BATCH}, acks=all`,
);
console.log(`  ingress single-record, closed loop:     ${fmt(maxRps)} requests/s (= records/s)`);
console.log(`  baseline bare kafkajs producer:         ${fmt(baselineRps)} records/s`);
console.log(`  ratio single-record ingress / baseline: ${fmt((100 * maxRps) / baselineRps)} %`);
console.log(
  `  open loop at half the max (${fmt(maxRps / 2)} req/s): p50 ${fmt(pct(half.latencies, 0.5))} ms, p99 ${fmt(pct(half.latencies, 0.99))} ms, max ${fmt(half.latencies.at(-1) ?? NaN)} ms, errors ${half.errors}`,
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
