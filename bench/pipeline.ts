/**
 * `npm run bench:pipeline`: end to end — from sending a record to the ingress (mutual TLS, bound
 * token) to reading it in its destination topic with read_committed — at half of the ingress's
 * single-record maximum measured in the same run; then the router's records/s against a bare
 * transactional consume→produce loop over the same validated records. Prints numbers and ratios; it
 * is not a test. Needs the local stack (npm run stack:up).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { createTransformLoop } from '../core/transform-loop.ts';
import { contextHeader, sampleContext, sampleRecord } from '../scripts/lib/sample.ts';
import { tokenFor } from '../test/support/https.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const s = await services();
const p = await startPipeline(s, ['ingress', 'validators', 'router'], {
  AIRLOCK_INGRESS_ACCESS_LOG: 'false',
  AIRLOCK_INGRESS_RATE_LIMITS: '{"*":{"limit":100000000,"windowMs":1000}}',
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

const post = (): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-maintenance-context': ctx,
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () =>
          resolve(res.statusCode === 202 ? (JSON.parse(text) as { trace_id: string }).trace_id : undefined),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const pct = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const fmt = (n: number) => n.toFixed(1);

// 1. The ingress's maximum (closed loop).
let done = 0;
const until = performance.now() + 5000;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < until) {
      await post();
      done++;
    }
  }),
);
const maxRps = done / 5;

// 2. End-to-end latency at half of it: the destination is read as the records arrive.
const kafka = new Kafka({ clientId: 'bench-pipeline', brokers: s.brokers, logLevel: logLevel.NOTHING });
const sentAt = new Map<string, number>();
const latencies: number[] = [];
const reader = kafka.consumer({
  groupId: `${p.env.AIRLOCK_ROUTER_GROUP_ID}-bench-reader`,
  readUncommitted: false,
});
await reader.connect();
await reader.subscribe({ topic: p.topics.partsTrace, fromBeginning: false });
await reader.run({
  eachMessage: async ({ message }) => {
    const id = message.headers?.['airlock-trace-id']?.toString();
    const t0 = id ? sentAt.get(id) : undefined;
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  },
});
await new Promise((r) => setTimeout(r, 3000)); // the reader joins its group
const rate = maxRps / 2;
const total = Math.floor(rate * SECONDS);
const start = performance.now();
const inflight: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const wait = start + (i * 1000) / rate - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const t0 = performance.now();
  const pending = post().then((id) => {
    if (id) sentAt.set(id, t0);
  });
  inflight.push(pending);
}
await Promise.all(inflight);
for (let i = 0; i < 100 && latencies.length < total; i++) await new Promise((r) => setTimeout(r, 100));
await reader.disconnect();
agent.destroy();
latencies.sort((a, b) => a - b);

// 3. The router against a bare transactional consume→produce over the same validated records.
const admin = kafka.admin();
await admin.connect();
const validatedCount = (await admin.fetchTopicOffsets(p.topics.validated)).reduce(
  (n, x) => n + Number(x.high),
  0,
);
const committed = async (groupId: string) => {
  const [o] = await admin.fetchOffsets({ groupId, topics: [p.topics.validated] });
  return (o?.partitions ?? []).reduce((n, x) => n + Math.max(0, Number(x.offset)), 0);
};
const baselineOut = `${p.topics.validated}.baseline-out`;
await admin.createTopics({
  topics: [{ topic: baselineOut, numPartitions: 3, replicationFactor: -1 }],
  waitForLeaders: true,
});
const group = `${p.env.AIRLOCK_ROUTER_GROUP_ID}-baseline`;
const loop = createTransformLoop({
  kafka,
  sessionTimeoutMs: 30000,
  logger: pino({ level: 'silent' }),
  groupId: group,
  inputTopic: p.topics.validated,
  transactionalIdPrefix: `${p.env.AIRLOCK_TRANSACTIONAL_ID_PREFIX}-baseline`,
  transform: async ({ message }) => [
    { topic: baselineOut, message: { key: message.key, value: message.value, headers: message.headers } },
  ],
  deadLetter: () => {
    throw new Error('never');
  },
  onFatal: (err) => {
    throw err;
  },
});
await loop.start();
const b0 = performance.now();
while ((await committed(group)) < validatedCount) await new Promise((r) => setTimeout(r, 50));
const baselineRate = validatedCount / ((performance.now() - b0) / 1000);
await loop.stop();
// The router drained the same records as they came; replay them through a fresh router group.
const routerGroup = `${p.env.AIRLOCK_ROUTER_GROUP_ID}-again`;
p.env.AIRLOCK_ROUTER_GROUP_ID = routerGroup;
await p.kill('router');
await p.restart('router');
const r0 = performance.now();
while ((await committed(routerGroup)) < validatedCount) await new Promise((r) => setTimeout(r, 50));
const routerRate = validatedCount / ((performance.now() - r0) / 1000);
await admin.disconnect();
await p.stop();

console.log(
  `bench/pipeline — ingress max ${fmt(maxRps)} req/s (closed loop, ${CONCURRENCY} senders); open loop at half: ${fmt(rate)} req/s for ${SECONDS} s`,
);
console.log(
  `  end to end (request sent → readable in ${'airlock.parts-trace.v1'} read_committed), ${latencies.length}/${total} records:`,
);
console.log(
  `    p50 ${fmt(pct(latencies, 0.5))} ms, p99 ${fmt(pct(latencies, 0.99))} ms, max ${fmt(latencies.at(-1) ?? NaN)} ms  (target p99 ≤ 250 ms)`,
);
console.log(`  router over ${validatedCount} validated records: ${fmt(routerRate)} records/s`);
console.log(`  baseline transactional consume→produce:        ${fmt(baselineRate)} records/s`);
console.log(
  `  ratio router / baseline:                       ${fmt((100 * routerRate) / baselineRate)} %  (target ≥ 50 %)`,
);
process.exit(0);
