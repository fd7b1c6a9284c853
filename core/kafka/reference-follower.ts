/**
 * Materialises the reference-data topics in memory and follows them: every record from the start,
 * then new ones as they come. `caughtUp` resolves once every partition has been read up to the end
 * it had at start-up — the validators become ready only then, so no record is judged against a
 * half-loaded roster. A record that does not validate is logged and skipped (the previous value of
 * its key stays): a bad ERP export must not take the validators down.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ReferenceMaps, type RefKind } from '../../rules/refdata.ts';
import type { Logger } from '../logger.ts';
import { caughtUp, partitionKey } from './catch-up.ts';

export interface FollowedReference {
  data: ReferenceMaps;
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export async function followReferenceData(
  kafka: Kafka,
  topics: Record<RefKind, string>,
  logger: Logger,
): Promise<FollowedReference> {
  const data = new ReferenceMaps();
  const kindOf = new Map(Object.entries(topics).map(([k, t]) => [t, k as RefKind]));
  const admin = kafka.admin();
  await admin.connect();
  // What "caught up" means: the end offsets when we start, per topic and partition.
  const ends = new Map<string, bigint>();
  try {
    for (const topic of kindOf.keys()) {
      for (const o of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(o.high) > BigInt(o.low)) ends.set(partitionKey(topic, o.partition), BigInt(o.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  // Each process reads everything itself: a group of its own, nothing committed.
  const consumer = kafka.consumer({
    groupId: `airlock-ref-${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  // A consumer kafkajs will not restart never catches up: caughtUp rejects rather than wait forever.
  const loaded = caughtUp(consumer, ends).then(() => {
    logger.info(
      Object.fromEntries([...kindOf.values()].map((k) => [k, data.size(k)])),
      'reference data loaded',
    );
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...kindOf.keys()], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, message }) => {
      const kind = kindOf.get(topic);
      const key = message.key?.toString('utf8');
      if (!kind || key === undefined) return;
      try {
        data.apply(kind, key, message.value === null ? null : JSON.parse(message.value.toString('utf8')));
      } catch (err) {
        logger.error(
          { kind, key, offset: message.offset, err: String(err) },
          'reference record refused; kept the previous value',
        );
      }
    },
  });
  return { data, caughtUp: loaded, stop: () => consumer.disconnect() };
}
