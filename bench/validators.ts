/**
 * `npm run bench:validators`: records/s of one validators process over a pre-filled ingress topic,
 * against a baseline in the same run: a bare consume→produce loop over the same records with the
 * same transaction settings (core/consumer/transform-loop.ts, one transactional producer per partition,
 * one transaction per batch), copying each record unchanged. The difference is the validators' own
 * work: JSON parsing, the Avro schema check, the regulatory rules, Avro encoding through the
 * registry. Prints numbers; it is not a test. Needs the local stack (npm run stack:up).
 */
import { Kafka, logLevel } from 'kafkajs';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { committed, prefill } from '../test/support/crash.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';
import { copyLoop, fmt } from './lib.ts';

const TOTAL = Number(process.env.BENCH_RECORDS ?? 60000);
const PARTITIONS = 3;
/** The live feed: records written while the consumer runs, at this rate (records/s). */
const LIVE_RATE = Number(process.env.BENCH_LIVE_RATE ?? 2000);
const LIVE = Number(process.env.BENCH_LIVE_RECORDS ?? LIVE_RATE * 15);

const s = await services();
const p = await startPipeline(s, [], {
  AIRLOCK_TOPIC_PARTITIONS: String(PARTITIONS),
  // BENCH_REFERENCE_DATA=off measures the validators without the reference-data rules.
  AIRLOCK_RULES_REFERENCE_DATA: process.env.BENCH_REFERENCE_DATA ?? 'enforce',
});
assertReadCommittedSafe();
const kafka = new Kafka({ clientId: 'bench-validators', brokers: s.brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const baselineOut = `${p.topics.ingress}.baseline-out`;
await admin.createTopics({
  topics: [p.topics.ingress, p.topics.validated, p.topics.dlq, p.topics.partsTrace, baselineOut].map(
    (topic) => ({
      topic,
      numPartitions: PARTITIONS,
      replicationFactor: -1,
    }),
  ),
  waitForLeaders: true,
});

// Pre-fill: the same records for both runs, as edge stations would write them.
await prefill(kafka, p.topics.ingress, TOTAL);

const until = async (groupId: string, total = TOTAL): Promise<number> => {
  const started = performance.now();
  while ((await committed(admin, groupId, p.topics.ingress)) < total)
    await new Promise((r) => setTimeout(r, 100));
  return (performance.now() - started) / 1000;
};

/**
 * A live feed of LIVE records at LIVE_RATE while `groupId` consumes (its backlog done before):
 * records/s from the feed's start to the last committed offset, and how far the consumer was
 * behind when the feed ended (records) and how long it then took to catch up (s).
 */
const live = async (groupId: string, from: number) => {
  const started = performance.now();
  await prefill(kafka, p.topics.ingress, LIVE, 0, from, { perSecond: LIVE_RATE });
  const fedSeconds = (performance.now() - started) / 1000;
  const behind = from + LIVE - (await committed(admin, groupId, p.topics.ingress));
  const catchUp = await until(groupId, from + LIVE);
  return { rate: LIVE / (fedSeconds + catchUp), fedRate: LIVE / fedSeconds, behind, catchUp };
};

// Baseline: the same transactional loop, copying records unchanged.
const baselineGroup = `${p.env.AIRLOCK_VALIDATORS_GROUP_ID}-baseline`;
const loop = copyLoop(kafka, {
  groupId: baselineGroup,
  inputTopic: p.topics.ingress,
  outputTopic: baselineOut,
  prefix: `${p.env.AIRLOCK_TRANSACTIONAL_ID_PREFIX}-baseline`,
});
const baselineStart = performance.now();
await loop.start();
const baselineSeconds = await until(baselineGroup);
const baselineWall = (performance.now() - baselineStart) / 1000;
// Then a live feed, as sensors and tablets write it: small batches on every partition.
const baselineLive = await live(baselineGroup, TOTAL);
await loop.stop();

// The validators stage, as a process, from its start to the last committed offset.
const validatorsGroup = p.env.AIRLOCK_VALIDATORS_GROUP_ID ?? '';
const validatorsStart = performance.now();
await p.restart('validators');
const validatorsSeconds = await until(validatorsGroup, TOTAL + LIVE);
const validatorsWall = (performance.now() - validatorsStart) / 1000;
const validatorsLive = await live(validatorsGroup, TOTAL + LIVE);
await admin.disconnect();
await p.stop();

// Rates are measured from the moment each side is consuming (group joined, producers ready) to its
// last committed offset: start-up (JVM-free as it is) is not what the target is about.
const baselineRate = TOTAL / baselineSeconds;
const validatorsRate = (TOTAL + LIVE) / validatorsSeconds;
console.log(
  `bench/validators — ${TOTAL} records, ${PARTITIONS} partitions, one transaction per fetched batch`,
);
console.log(
  `  baseline consume→produce (same transactions): ${fmt(baselineRate)} records/s (${fmt(baselineSeconds)} s; start-up ${fmt(baselineWall - baselineSeconds)} s)`,
);
console.log(
  `  validators process:                           ${fmt(validatorsRate)} records/s (${fmt(validatorsSeconds)} s; start-up ${fmt(validatorsWall - validatorsSeconds)} s)`,
);
console.log(
  `  ratio validators / baseline:                  ${fmt((100 * validatorsRate) / baselineRate)} %  (target ≥ 50 %)`,
);
const liveLine = (r: Awaited<ReturnType<typeof live>>) =>
  `${fmt(r.rate)} records/s (fed at ${fmt(r.fedRate)}/s; ${r.behind} behind at the feed's end, caught up in ${fmt(r.catchUp)} s)`;
console.log(`  live feed of ${LIVE} records at ${LIVE_RATE}/s over ${PARTITIONS} partitions:`);
console.log(`    baseline consume→produce:                   ${liveLine(baselineLive)}`);
console.log(`    validators process:                         ${liveLine(validatorsLive)}`);
console.log(
  `    ratio validators / baseline:                ${fmt((100 * validatorsLive.rate) / baselineLive.rate)} %  (target ≥ 50 %; 100 % = keeps up)`,
);
process.exit(0);
