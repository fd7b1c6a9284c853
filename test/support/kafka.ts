/** Kafka helpers for the integration tests: real clients against the real broker. */
import { randomBytes } from 'node:crypto';
import { type Admin, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import type { Services } from './services.ts';

export function testKafka(s: Services, name = 'airlock-test'): Kafka {
  return new Kafka({ clientId: name, brokers: s.brokers, logLevel: logLevel.NOTHING });
}

export const uid = () => randomBytes(4).toString('hex');

/** Sum of the high watermarks of a topic's partitions: what has ever been written to it. */
export async function endOffset(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
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
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {}))
        headers[k] = String(Array.isArray(v) ? v[0] : v);
      out.push({ topic: t, partition, message, headers });
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
