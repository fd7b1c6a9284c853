/** Kafka helpers for the integration tests: real clients against the real broker. */
import { randomBytes } from 'node:crypto';
import { type Admin, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { caughtUp, partitionKey } from '../../core/kafka/catch-up.ts';
import { assertReadCommittedSafe } from '../../core/kafka/read-committed.ts';
import type { Services } from './services.ts';

export function testKafka(s: Services, name = 'airlock-test'): Kafka {
  assertReadCommittedSafe();
  return new Kafka({ clientId: name, brokers: s.brokers, logLevel: logLevel.NOTHING });
}

export const uid = () => randomBytes(4).toString('hex');

/** Sum of the high watermarks of a topic's partitions: what has ever been written to it. */
export async function endOffset(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

/**
 * How many records a read_committed reader sees in a topic now. Offsets are no count on a
 * transactional topic: every commit writes a marker, and aborted records keep their offsets.
 */
export async function committedCount(kafka: Kafka, topic: string): Promise<number> {
  return (await readToEnd(kafka, topic)).length;
}

/**
 * Every record of a topic up to the end it has now, read_committed (or, for a diagnosis,
 * read_uncommitted: every record written, committed or not).
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  opts: { readUncommitted?: boolean } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  for (const o of await admin.fetchTopicOffsets(topic)) {
    if (BigInt(o.high) > BigInt(o.low)) ends.set(partitionKey(topic, o.partition), BigInt(o.high));
  }
  await admin.disconnect();
  if (ends.size === 0) return [];
  const consumer = kafka.consumer({
    groupId: `test-read-${uid()}`,
    readUncommitted: opts.readUncommitted ?? false,
    maxWaitTimeInMs: 200,
  });
  const out: ReadRecord[] = [];
  const done = caughtUp(consumer, ends);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic: t, partition, message }) => {
      out.push({ topic: t, partition, message, headers: headerStrings(message) });
    },
  });
  await done;
  await consumer.disconnect();
  return out;
}

function headerStrings(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {}))
    headers[k] = String(Array.isArray(v) ? v[0] : v);
  return headers;
}

export interface ReadRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
  headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning with read_committed until `expect` records arrived, then keeps
 * listening for `settleMs` so that a duplicate would be seen too. Returns everything read.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  opts: { expect: number; timeoutMs?: number; settleMs?: number },
): Promise<ReadRecord[]> {
  const { expect, timeoutMs = 60000, settleMs = 2000 } = opts;
  const consumer = kafka.consumer({ groupId: `test-reader-${uid()}`, readUncommitted: false });
  const out: ReadRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let reached: (() => void) | undefined;
  const enough = new Promise<void>((resolve) => {
    reached = resolve;
  });
  await consumer.run({
    eachMessage: async ({ topic: t, partition, message }) => {
      out.push({ topic: t, partition, message, headers: headerStrings(message) });
      if (out.length >= expect) reached?.();
    },
  });
  const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
  await Promise.race([enough, timer]);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  await consumer.disconnect();
  return out;
}

export async function deleteTopics(admin: Admin, prefix: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10000 }).catch(() => undefined);
}

export { edgeMessage } from '../../scripts/lib/sample.ts';
