/**
 * Materialises compacted JSON topics and follows them: every record from the start, then new ones
 * as they come. `caughtUp` resolves once every partition has been read up to the end it had at
 * start-up, so a stage that waits for it never judges against a half-loaded view (the validators'
 * reference data, DESIGN.md "Reference data"). A record the view refuses is logged and skipped (the
 * previous value of its key stays): a bad upstream export must not take a stage down.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '../logger.ts';
import { caughtUp, partitionKey } from './catch-up.ts';

/** What a follower keeps up to date: a key's value set, or deleted by a tombstone (null). */
export interface MaterialisedView {
  readonly topics: readonly string[];
  /** Throws to refuse a record; the previous value of its key stays. `timestampMs`: the record's. */
  apply(topic: string, key: string, value: unknown | null, timestampMs: number): void;
  /** Entries held, by name, for the log line once caught up. */
  sizes(): Record<string, number>;
}

export interface CompactedFollower {
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export async function followCompacted(
  kafka: Kafka,
  view: MaterialisedView,
  logger: Logger,
  /** Names the view in the log (`<name> loaded`) and its consumer groups (`<groupPrefix><uuid>`). */
  names: { name: string; groupPrefix: string },
): Promise<CompactedFollower> {
  const admin = kafka.admin();
  await admin.connect();
  // What "caught up" means: the end offsets when we start, per topic and partition.
  const ends = new Map<string, bigint>();
  try {
    for (const topic of view.topics) {
      for (const o of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(o.high) > BigInt(o.low)) ends.set(partitionKey(topic, o.partition), BigInt(o.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  // Each process reads everything itself: a group of its own, nothing committed.
  const consumer = kafka.consumer({
    groupId: `${names.groupPrefix}${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  // A consumer kafkajs will not restart never catches up: caughtUp rejects rather than wait forever.
  const loaded = caughtUp(consumer, ends).then(() => {
    logger.info(view.sizes(), `${names.name} loaded`);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...view.topics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, message }) => {
      const key = message.key?.toString('utf8');
      if (key === undefined) return;
      try {
        const value = message.value === null ? null : JSON.parse(message.value.toString('utf8'));
        view.apply(topic, key, value, Number(message.timestamp));
      } catch (err) {
        logger.error(
          { topic, key, offset: message.offset, err: String(err) },
          `${names.name}: record refused; kept the previous value`,
        );
      }
    },
  });
  return { caughtUp: loaded, stop: () => consumer.disconnect() };
}
