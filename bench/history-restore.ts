/**
 * `npm run bench:history-restore`: how long the validators take to restore one partition's history
 * store of BENCH_ENTRIES (1,000,000) entries from its compacted changelog (core/history, what a
 * process does on assignment before it judges the partition's first record), against a baseline in
 * the same run: a bare read_committed kafkajs consumer reading the same changelog partition to its
 * end, counting records and doing nothing else. The difference is the store's own work (JSON
 * parsing, the map). Entries are parts-store entries of ~150 bytes. Prints numbers; not a test.
 * Needs the local stack (npm run stack:up).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { createHistory, historyTopic } from '../core/history/history.ts';
import { caughtUp, partitionKey } from '../core/kafka/catch-up.ts';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { HISTORY_STORES, type PartState } from '../rules/history.ts';
import { services } from '../test/support/services.ts';
import { fmt } from './lib.ts';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const PARTITIONS = 3;

const s = await services();
assertReadCommittedSafe();
const kafka = new Kafka({ clientId: 'bench-history', brokers: s.brokers, logLevel: logLevel.NOTHING });
const prefix = `bench-${randomUUID().slice(0, 8)}.history.`;
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  topics: HISTORY_STORES.map((store) => ({
    topic: historyTopic(prefix, store),
    numPartitions: PARTITIONS,
    replicationFactor: -1,
    configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
  })),
  waitForLeaders: true,
});
const topic = historyTopic(prefix, 'parts');

// The store: ENTRIES distinct parts in partition 0, as the validators write them.
const fillStart = performance.now();
const producer = kafka.producer({ idempotent: true });
await producer.connect();
for (let start = 0; start < ENTRIES; start += 4_000) {
  const messages = [];
  for (let i = start; i < Math.min(ENTRIES, start + 4_000); i++) {
    const value: PartState = {
      installed_on: i % 2 ? 'D-AIBL' : null,
      last_status: i % 2 ? 'installed' : 'removed',
      last_at: '2025-03-01T10:00:00+01:00',
      trace_id: randomUUID(),
    };
    messages.push({ key: `2314567-3|SN${i}`, value: JSON.stringify(value), partition: 0 });
  }
  await producer.send({ topic, acks: -1, messages });
}
await producer.disconnect();
const fillSeconds = (performance.now() - fillStart) / 1000;

// Baseline: a bare read_committed read of the same partition to its end.
const [end] = (await admin.fetchTopicOffsets(topic)).filter((o) => o.partition === 0);
const baselineStart = performance.now();
{
  const consumer = kafka.consumer({
    groupId: `bench-read-${randomUUID()}`,
    maxWaitTimeInMs: 200,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  const done = caughtUp(consumer, new Map([[partitionKey(topic, 0), BigInt(end?.high ?? '0')]]));
  let n = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (batch.partition === 0) n += batch.messages.length;
    },
  });
  await done;
  await consumer.disconnect();
  if (n !== ENTRIES) throw new Error(`the baseline read ${n} of ${ENTRIES} records`);
}
const baselineSeconds = (performance.now() - baselineStart) / 1000;

// The store's restore, as the validators do it on assignment.
const history = createHistory({
  kafka,
  logger: pino({ level: 'silent' }),
  stores: HISTORY_STORES,
  topicPrefix: prefix,
  groupPrefix: 'bench-restore-',
});
const heapBefore = process.memoryUsage().heapUsed;
const restoreStart = performance.now();
await history.ensure(0);
const restoreSeconds = (performance.now() - restoreStart) / 1000;
const held = history.entries(0)?.parts?.size ?? 0;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
if (held !== ENTRIES) throw new Error(`restored ${held} of ${ENTRIES} entries`);

for (const store of HISTORY_STORES)
  await admin.deleteTopics({ topics: [historyTopic(prefix, store)] }).catch(() => undefined);
await admin.disconnect();

console.log(
  `bench/history-restore — ${ENTRIES} entries of the parts store in one partition (written in ${fmt(fillSeconds)} s)`,
);
console.log(
  `  baseline bare read_committed read to the end: ${fmt(baselineSeconds)} s (${fmt(ENTRIES / baselineSeconds)} records/s)`,
);
console.log(
  `  restore of the partition's history:           ${fmt(restoreSeconds)} s (${fmt(ENTRIES / restoreSeconds)} entries/s), heap +${fmt(heapMb)} MiB`,
);
console.log(`  ratio restore / bare read (time):             ${fmt(restoreSeconds / baselineSeconds)} ×`);
process.exit(0);
