/**
 * `npm run bench:pipeline`: end to end — from sending a record to the ingress (mutual TLS, bound
 * token) to reading it in its destination topic with read_committed — at half of the ingress's
 * single-record maximum measured in the same run; then the router's records/s against a bare
 * transactional consume→produce loop over the same validated records. Prints numbers and ratios; it
 * is not a test. Needs the local stack (npm run stack:up).
 */
import { Kafka, logLevel } from 'kafkajs';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { committed } from '../test/support/crash.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';
import { closedLoop, copyLoop, fmt, openLoop, pct, tablet, UNTHROTTLED_INGRESS } from './lib.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const s = await services();
const p = await startPipeline(s, ['ingress', 'validators', 'router'], UNTHROTTLED_INGRESS);
const client = await tablet(p, CONCURRENCY);
const post = async () => {
  const r = await client.post();
  return r.status === 202 ? (JSON.parse(r.text) as { trace_id: string }).trace_id : undefined;
};

// 1. The ingress's maximum (closed loop).
const maxRps = await closedLoop(post, 5, CONCURRENCY);

// 2. End-to-end latency at half of it: the destination is read as the records arrive.
assertReadCommittedSafe();
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
const total = await openLoop(rate, SECONDS, post, (t0, id) => {
  if (id) sentAt.set(id, t0);
});
for (let i = 0; i < 100 && latencies.length < total; i++) await new Promise((r) => setTimeout(r, 100));
await reader.disconnect();
client.close();
latencies.sort((a, b) => a - b);

// 3. The router against a bare transactional consume→produce over the same validated records.
const admin = kafka.admin();
await admin.connect();
const validatedCount = (await admin.fetchTopicOffsets(p.topics.validated)).reduce(
  (n, x) => n + Number(x.high),
  0,
);
const drain = async (groupId: string) => {
  const t0 = performance.now();
  while ((await committed(admin, groupId, p.topics.validated)) < validatedCount)
    await new Promise((r) => setTimeout(r, 50));
  return validatedCount / ((performance.now() - t0) / 1000);
};
const baselineOut = `${p.topics.validated}.baseline-out`;
await admin.createTopics({
  topics: [{ topic: baselineOut, numPartitions: 3, replicationFactor: -1 }],
  waitForLeaders: true,
});
const group = `${p.env.AIRLOCK_ROUTER_GROUP_ID}-baseline`;
const loop = copyLoop(kafka, {
  groupId: group,
  inputTopic: p.topics.validated,
  outputTopic: baselineOut,
  prefix: `${p.env.AIRLOCK_TRANSACTIONAL_ID_PREFIX}-baseline`,
});
await loop.start();
const baselineRate = await drain(group);
await loop.stop();
// The router drained the same records as they came; replay them through a fresh router group.
const routerGroup = `${p.env.AIRLOCK_ROUTER_GROUP_ID}-again`;
p.env.AIRLOCK_ROUTER_GROUP_ID = routerGroup;
await p.kill('router');
await p.restart('router');
const routerRate = await drain(routerGroup);
await admin.disconnect();
await p.stop();

console.log(
  `bench/pipeline — ingress max ${fmt(maxRps)} req/s (closed loop, ${CONCURRENCY} senders); open loop at half: ${fmt(rate)} req/s for ${SECONDS} s`,
);
console.log(
  `  end to end (request sent → readable in airlock.parts-trace.v1 read_committed), ${latencies.length}/${total} records:`,
);
console.log(
  `    p50 ${fmt(pct(latencies, 0.5))} ms, p99 ${fmt(pct(latencies, 0.99))} ms, max ${fmt(latencies.at(-1) ?? Number.NaN)} ms  (target p99 ≤ 250 ms)`,
);
console.log(`  router over ${validatedCount} validated records: ${fmt(routerRate)} records/s`);
console.log(`  baseline transactional consume→produce:        ${fmt(baselineRate)} records/s`);
console.log(
  `  ratio router / baseline:                       ${fmt((100 * routerRate) / baselineRate)} %  (target ≥ 50 %)`,
);
process.exit(0);
