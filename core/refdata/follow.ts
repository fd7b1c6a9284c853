/**
 * Materialises the reference-data topics in memory and follows them: every record from the start,
 * then new ones as they come. `caughtUp` resolves once every partition has been read up to the end
 * it had at start-up — the validators become ready only then, so no record is judged against a
 * half-loaded roster. A record that does not validate is logged and skipped (the previous value of
 * its key stays): a bad ERP export must not take the validators down.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '../logger.ts';
import { ReferenceMaps, type RefKind } from './kinds.ts';

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
  const pending = new Map<string, bigint>();
  try {
    for (const topic of kindOf.keys()) {
      for (const o of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(o.high) > BigInt(o.low)) pending.set(`${topic}:${o.partition}`, BigInt(o.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  let resolve: () => void = () => undefined;
  let reject: (err: Error) => void = () => undefined;
  const caughtUp = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const check = () => {
    if (pending.size === 0) {
      logger.info(
        Object.fromEntries([...kindOf.values()].map((k) => [k, data.size(k)])),
        'reference data loaded',
      );
      resolve();
    }
  };
  // Each process reads everything itself: a group of its own, nothing committed.
  const consumer = kafka.consumer({
    groupId: `airlock-ref-${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = `${payload.topic}:${payload.partition}`;
    const end = pending.get(key);
    if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) {
      pending.delete(key);
      check();
    }
  });
  // A consumer kafkajs will not restart never catches up: say so rather than wait forever.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) reject(payload.error);
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
  check();
  return { data, caughtUp, stop: () => consumer.disconnect() };
}
