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
 * Phases 1–3 run for each ingress worker count of BENCH_WORKERS (1,2), printing the ingress's CPU
 * per request and per batched record (primary and workers, from /proc), so that the scaling on a
 * larger machine can be predicted (docs/operations.md "Sizing the ingress"). BENCH_TRACING_ENDPOINT
 * (an OTLP/HTTP traces URL) runs the ingress with tracing on, every request sampled.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
/** Ingress worker counts measured in turn (AIRLOCK_INGRESS_WORKERS), e.g. `1,2`. */
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
/** An OTLP/HTTP traces URL: the ingress traces every request to it (ratio 1), to measure the cost. */
const TRACING = process.env.BENCH_TRACING_ENDPOINT;

const s = await services();

/** CPU seconds (user + system) of a process and every process below it (an ingress's workers). */
function cpuSeconds(root: number): number {
  const stats = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => {
      try {
        // Fields after the command name: state ppid … utime(14) stime(15), in clock ticks.
        const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return { pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
      } catch {
        return undefined;
      }
    })
    .filter((x) => x !== undefined);
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const x of stats)
      if (!tree.has(x.pid) && tree.has(x.ppid)) {
        tree.add(x.pid);
        grew = true;
      }
  }
  return stats.filter((x) => tree.has(x.pid)).reduce((n, x) => n + x.ticks, 0) / CLK_TCK;
}
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** A closed loop, with the ingress's CPU seconds spent during it. */
async function measured(pid: number, send: () => Promise<unknown>, concurrency: number) {
  const cpu0 = cpuSeconds(pid);
  const rate = await closedLoop(send, SECONDS, concurrency);
  return { rate, cpu: cpuSeconds(pid) - cpu0 };
}

async function ingressRun(workers: number) {
  const p = await startPipeline(s, ['ingress'], {
    ...UNTHROTTLED_INGRESS,
    AIRLOCK_INGRESS_WORKERS: String(workers),
    AIRLOCK_INGRESS_PUBLISH_LINGER_MS: String(LINGER_MS),
    AIRLOCK_INGRESS_PUBLISH_BATCH_MAX_RECORDS: String(MAX_BATCH),
    ...(TX_PRODUCERS ? { AIRLOCK_INGRESS_TRANSACTIONAL_PRODUCERS: TX_PRODUCERS } : {}),
    ...(TRACING ? { AIRLOCK_TRACING_ENDPOINT: TRACING } : {}),
  });
  const pid = p.pid('ingress') ?? 0;
  const client = await tablet(p, CONCURRENCY);
  const ndjson = `${Array.from({ length: BATCH }, () => client.body).join('\n')}\n`;
  const single = () => client.post();
  // Warm-up: TLS sessions, JIT, the producer's first metadata.
  await closedLoop(single, 2, CONCURRENCY);
  const one = await measured(pid, single, CONCURRENCY);
  const batched = await measured(pid, () => client.post(ndjson, 'application/x-ndjson'), CONCURRENCY);
  const latencies: number[] = [];
  let errors = 0;
  await openLoop(one.rate / 2, SECONDS, single, (t0, r) => {
    if (r?.status === 202) latencies.push(performance.now() - t0);
    else errors++;
  });
  latencies.sort((a, b) => a - b);
  client.close();
  return {
    p,
    client,
    workers,
    maxRps: one.rate,
    cpuPerRequestUs: (1e6 * one.cpu) / (one.rate * SECONDS),
    batchRps: batched.rate,
    cpuPerBatchedRecordUs: (1e6 * batched.cpu) / (batched.rate * BATCH * SECONDS),
    latencies,
    errors,
  };
}

const runs = [];
for (const w of WORKERS) {
  const run = await ingressRun(w);
  runs.push(run);
  // The last run's topics serve the baseline; the others are deleted now.
  if (w !== WORKERS.at(-1)) await run.p.stop();
}
const last = runs.at(-1);
if (!last) throw new Error('BENCH_WORKERS names no worker count');
const { p, client } = last;

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
await p.stop();

console.log(
  `bench/ingress — ${CONCURRENCY} concurrent senders, ${SECONDS} s per phase, linger ${LINGER_MS} ms, batch cap ${MAX_BATCH}, acks=all, ${CLK_TCK} CPU ticks/s`,
);
console.log(`  baseline bare kafkajs producer, ${CONCURRENCY} in flight:   ${fmt(baselineRps)} records/s`);
console.log(
  `  baseline with ${CONCURRENCY * BATCH} records in flight:       ${fmt(baselineBatchRps)} records/s`,
);
for (const r of runs) {
  console.log(`  ingress with ${r.workers} worker(s):`);
  console.log(
    `    single-record, closed loop:  ${fmt(r.maxRps)} requests/s = ${fmt((100 * r.maxRps) / baselineRps)} % of the baseline (target ≥ 50 %), ingress CPU ${fmt(r.cpuPerRequestUs)} µs/request (target ≤ 250)`,
  );
  console.log(
    `    open loop at half the max (${fmt(r.maxRps / 2)} req/s): p50 ${fmt(pct(r.latencies, 0.5))} ms, p99 ${fmt(pct(r.latencies, 0.99))} ms, max ${fmt(r.latencies.at(-1) ?? Number.NaN)} ms, errors ${r.errors} (target p99 ≤ 25 ms)`,
  );
  console.log(
    `    batched (${BATCH} records/request NDJSON): ${fmt(r.batchRps * BATCH)} records/s = ${fmt((100 * r.batchRps * BATCH) / baselineBatchRps)} % of its baseline (target ≥ 70 %), ingress CPU ${fmt(r.cpuPerBatchedRecordUs)} µs/record (target ≤ 50)`,
  );
}
const [first] = runs;
if (first && last !== first)
  console.log(
    `  scaling ${first.workers} → ${last.workers} workers: single-record ×${(last.maxRps / first.maxRps).toFixed(2)}, batched ×${(last.batchRps / first.batchRps).toFixed(2)}`,
  );
process.exit(0);
