/**
 * `npm run bench:sensors` (issue #14 §5): a fleet of simulated tools (1,000 calibrated torque
 * wrenches in the test's tool register) behind a gateway that multiplexes their bursts over a few
 * HTTP/2 sessions to POST /v1/measurements, end to end through the validators (MEAS-CAL-1 against
 * the tool register) and the router to airlock.measurements.v1. Against baselines measured in the
 * same run: a bare kafkajs producer with the same records in flight, and one bare Kafka hop
 * (produce → read_committed consume) at the same rate. Prints numbers and ratios; not a test.
 *
 * 1. closed loop, C streams over S sessions, bursts of B readings (NDJSON): records/s accepted;
 * 2. open loop at half that rate: each reading from the send of its burst to its arrival in the
 *    destination topic (read_committed), p50 / p99;
 * 3. the baselines.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { publishReference } from '../scripts/lib/ref-load.ts';
import { contextHeader, sampleContext } from '../scripts/lib/sample.ts';
import { readTopic } from '../test/support/kafka.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';
import { closedLoop, fmt, openLoop, pct, sensorGateway, UNTHROTTLED_INGRESS } from './lib.ts';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 4);
const STREAMS = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BATCH = Number(process.env.BENCH_BATCH ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = process.env.BENCH_WORKERS ?? '1';

const DAY = 86_400_000;
const day = (d: number) => new Date(Date.now() + d * DAY).toISOString().slice(0, 10);
const tools = Array.from({ length: DEVICES }, (_, i) => ({
  tool_id: `TW-B-${String(i).padStart(4, '0')}`,
  tool_type: 'TORQUE_WRENCH',
  calibration_certificate_ref: `CAL-B-${i}`,
  calibrated_on: day(-30),
  calibration_due: day(335),
  withdrawn_at: null,
}));

/** The fleet: 26 aircraft, each reading keyed (and ordered) by its aircraft, as DESIGN.md says. */
const AIRCRAFT = Array.from(
  { length: 26 },
  (_, i) => `D-AI${String.fromCharCode(65 + i)}${String.fromCharCode(90 - i)}`,
);
const contexts = new Map(AIRCRAFT.map((reg) => [reg, contextHeader(sampleContext(reg))]));

/** One device's burst of readings on one aircraft, as NDJSON. */
let device = 0;
function burst(): { body: string; registration: string } {
  const registration = AIRCRAFT[device % AIRCRAFT.length] as string;
  const tool = tools[device++ % tools.length] as (typeof tools)[number];
  const at = new Date(Date.now() - 1000).toISOString();
  const lines = [];
  for (let i = 0; i < BATCH; i++) {
    const value = 440 + ((i * 7) % 21);
    lines.push(
      JSON.stringify({
        measurement_id: randomUUID(),
        aircraft_registration: registration,
        tool_id: tool.tool_id,
        tool_type: 'TORQUE_WRENCH',
        calibration_certificate_ref: tool.calibration_certificate_ref,
        task_card_ref: 'TC-32-41-11-01/step-4',
        point_ref: `bolt ${i + 1}`,
        value,
        unit: 'N.m',
        spec_min: 440,
        spec_max: 460,
        tool_result: 'PASS',
        measured_at: at,
      }),
    );
  }
  return { body: lines.join('\n'), registration };
}

const s = await services();
const p = await startPipeline(
  s,
  ['ingress', 'validators', 'router'],
  { ...UNTHROTTLED_INGRESS, AIRLOCK_INGRESS_WORKERS: WORKERS },
  {
    reference: (kafka, env) =>
      publishReference(
        kafka,
        env.AIRLOCK_TOPIC_REF_TOOLS ?? '',
        tools.map((t) => ({ key: t.tool_id, value: t })),
      ),
  },
);
let gateway = await sensorGateway(p, SESSIONS);
/** Sends one burst; the trace ids of the readings accepted. */
const send = async () => {
  const { body, registration } = burst();
  const r = await gateway.post(body, 'application/x-ndjson', contexts.get(registration));
  if (r.status !== 207) return [];
  return (JSON.parse(r.text) as { results: { status: number; trace_id?: string }[] }).results
    .filter((x) => x.status === 202 && x.trace_id !== undefined)
    .map((x) => x.trace_id as string);
};

// 1. The ingress's maximum over h2 (closed loop).
let accepted = 0;
await closedLoop(send, 2, STREAMS);
const closedStart = performance.now();
await closedLoop(
  async () => {
    // Counted after the await: `accepted += await …` would read `accepted` before it and lose the
    // other streams' additions.
    const n = (await send()).length;
    accepted += n;
  },
  SECONDS,
  STREAMS,
);
const maxRecords = accepted / SECONDS;

// The validators and the router drain what the closed loop left behind them before the open loop
// starts (the destination's end offsets stop moving for 3 s).
const kafka = new Kafka({ clientId: 'bench-sensors', brokers: s.brokers, logLevel: logLevel.NOTHING });
const watch = kafka.admin();
await watch.connect();
const destinationEnd = async () =>
  (await watch.fetchTopicOffsets(p.topics.measurements)).reduce((n, o) => n + Number(o.high), 0);
let lastEnd = -1;
for (let still = 0; still < 3; ) {
  await new Promise((r) => setTimeout(r, 1000));
  const end = await destinationEnd();
  still = end === lastEnd ? still + 1 : 0;
  lastEnd = end;
}
const drainedAt = performance.now() - 3000;
if (process.env.BENCH_DEBUG) {
  const sum = async (t: string) => (await watch.fetchTopicOffsets(t)).reduce((n, o) => n + Number(o.high), 0);
  console.error(
    'drained: ingress',
    await sum(p.topics.ingress),
    'validated',
    await sum(p.topics.validated),
    'dlq',
    await sum(p.topics.dlq),
    'destination',
    lastEnd,
    'accepted',
    accepted,
  );
  console.error(p.output('validators').slice(-3000));
}
await watch.disconnect();
const drainSeconds = (drainedAt - closedStart) / 1000 - SECONDS;
// Sessions idle during the drain may have been closed by the ingress's idle timeout: new ones.
gateway.close();
gateway = await sensorGateway(p, SESSIONS);

// 2. End to end at half of it, each reading timed from its burst's send to its arrival.
assertReadCommittedSafe();
const sentAt = new Map<string, number>();
const arrivedAt = new Map<string, number>();
const reader = kafka.consumer({
  groupId: `${p.env.AIRLOCK_ROUTER_GROUP_ID}-bench-reader`,
  readUncommitted: false,
});
await reader.connect();
await reader.subscribe({ topic: p.topics.measurements, fromBeginning: false });
await reader.run({
  eachMessage: async ({ message }) => {
    const id = message.headers?.['airlock-trace-id']?.toString();
    if (id) arrivedAt.set(id, performance.now());
  },
});
await new Promise((r) => setTimeout(r, 3000)); // the reader joins its group
let errors = 0;
await openLoop(maxRecords / 2 / BATCH, SECONDS, send, (t0, ids) => {
  if (!ids || ids.length < BATCH) errors++;
  for (const id of ids ?? []) sentAt.set(id, t0);
});
for (let i = 0; i < 300 && [...sentAt.keys()].some((id) => !arrivedAt.has(id)); i++)
  await new Promise((r) => setTimeout(r, 100));
await reader.disconnect();
gateway.close();
const latencies = [...sentAt]
  .map(([id, t0]) => (arrivedAt.get(id) ?? Number.POSITIVE_INFINITY) - t0)
  .sort((a, b) => a - b);
const lost = latencies.filter((l) => l === Number.POSITIVE_INFINITY).length;
if (lost > 0) {
  const dlq = await readTopic(kafka, p.topics.dlq, { expect: 1, settleMs: 2000 });
  console.error(
    `${lost} readings did not arrive; the DLQ holds ${dlq.length}, e.g. ${dlq[0]?.headers['airlock-error-reasons']}`,
  );
}

// 3. Baselines: a bare producer with the same records in flight, and one bare hop at the same rate.
const topic = `${p.topics.ingress.split('.')[0]}.bench-baseline`;
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
  waitForLeaders: true,
});
await admin.disconnect();
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
await producer.connect();
/** A burst as the bare producer sends it: keyed by its aircraft, each with an id to time it by. */
const bareMessages = () => {
  const { body, registration } = burst();
  return body
    .split('\n')
    .map((value) => ({ key: registration, value, headers: { 'bench-id': randomUUID() } }));
};
const sendBare = () =>
  producer.send({
    topic,
    acks: -1,
    messages: bareMessages(),
  });
let bareRecords = 0;
await closedLoop(sendBare, 2, STREAMS);
await closedLoop(
  async () => {
    await sendBare();
    bareRecords += BATCH;
  },
  SECONDS,
  STREAMS,
);
const hopSent = new Map<string, number>();
const hopArrived = new Map<string, number>();
const hopReader = kafka.consumer({ groupId: `${topic}-reader`, readUncommitted: false });
await hopReader.connect();
await hopReader.subscribe({ topic, fromBeginning: false });
await hopReader.run({
  eachMessage: async ({ message }) => {
    const id = message.headers?.['bench-id']?.toString();
    if (id) hopArrived.set(id, performance.now());
  },
});
await new Promise((r) => setTimeout(r, 3000));
await openLoop(
  maxRecords / 2 / BATCH,
  SECONDS,
  async () => {
    const messages = bareMessages();
    const t0 = performance.now();
    for (const m of messages) hopSent.set(m.headers['bench-id'], t0);
    await producer.send({ topic, acks: -1, messages });
  },
  () => undefined,
);
for (let i = 0; i < 100 && hopArrived.size < hopSent.size; i++) await new Promise((r) => setTimeout(r, 100));
await hopReader.disconnect();
await producer.disconnect();
const hop = [...hopSent]
  .map(([id, t0]) => (hopArrived.get(id) ?? Number.POSITIVE_INFINITY) - t0)
  .sort((a, b) => a - b);
await p.stop();

console.log(
  `bench/sensors — ${DEVICES} tools, bursts of ${BATCH} readings (NDJSON), ${STREAMS} streams over ${SESSIONS} HTTP/2 sessions, ${SECONDS} s per phase, ingress workers ${WORKERS}`,
);
console.log(`  ingress over h2, closed loop:        ${fmt(maxRecords)} readings/s accepted`);
console.log(`  baseline bare producer, same in flight: ${fmt(bareRecords / SECONDS)} records/s`);
console.log(`  ratio ingress / baseline:            ${fmt((100 * maxRecords) / (bareRecords / SECONDS))} %`);
console.log(
  `  the closed loop's ${accepted} readings reached the destination ${fmt(drainSeconds)} s after it ended`,
);
console.log(
  `  end to end at half load (${fmt(maxRecords / 2)} readings/s) to ${p.topics.measurements.split('.').slice(1).join('.')}: p50 ${fmt(pct(latencies, 0.5))} ms, p99 ${fmt(pct(latencies, 0.99))} ms, ${latencies.length} readings, ${lost} not arrived, ${errors} bursts not wholly accepted`,
);
console.log(
  `  baseline one bare Kafka hop at the same rate: p50 ${fmt(pct(hop, 0.5))} ms, p99 ${fmt(pct(hop, 0.99))} ms`,
);
process.exit(0);
