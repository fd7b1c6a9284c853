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

const until = async (groupId: string): Promise<number> => {
  const started = performance.now();
  while ((await committed(admin, groupId, p.topics.ingress)) < TOTAL)
    await new Promise((r) => setTimeout(r, 100));
  return (performance.now() - started) / 1000;
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
await loop.stop();
const baselineWall = (performance.now() - baselineStart) / 1000;

// The validators stage, as a process, from its start to the last committed offset.
const validatorsStart = performance.now();
await p.restart('validators');
const validatorsSeconds = await until(p.env.AIRLOCK_VALIDATORS_GROUP_ID ?? '');
const validatorsWall = (performance.now() - validatorsStart) / 1000;
await admin.disconnect();
await p.stop();

// Rates are measured from the moment each side is consuming (group joined, producers ready) to its
// last committed offset: start-up (JVM-free as it is) is not what the target is about.
const baselineRate = TOTAL / baselineSeconds;
const validatorsRate = TOTAL / validatorsSeconds;
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
process.exit(0);
