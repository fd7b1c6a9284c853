/**
 * One partition per produce: kafkajs sends one send's messages to every partition leader at once
 * and, when one of those requests fails, retries the others with the leaders it knows then. A
 * partition whose request had succeeded but whose leader moved meanwhile is written again under a
 * new sequence number, in the same transaction, and the broker cannot tell it from new records. On
 * the three-broker cluster that duplicated records (the fault suite, 2026-12-03: both copies from
 * one transform, in one transaction). With one partition per send a failed send is all or nothing:
 * its retry repeats the same sequence numbers, which the broker recognises.
 *
 * `place` sets each message's partition as the default (Java-compatible murmur2) partitioner would,
 * from the topics' partition lists (read again every minute), and groups the messages by topic and
 * partition, in order.
 */
import { type Admin, type Message, Partitioners, type PartitionMetadata } from 'kafkajs';

export type Placed = [topic: string, messages: Message[]][];

export function partitionPlacer(admin: Pick<Admin, 'fetchTopicMetadata'>, refreshMs = 60_000) {
  const layouts = new Map<string, { at: number; metadata: PartitionMetadata[] }>();
  const partitioner = Partitioners.DefaultPartitioner();
  return async (outputs: readonly { topic: string; message: Message }[]): Promise<Placed> => {
    const now = Date.now();
    const stale = [...new Set(outputs.map((o) => o.topic))].filter(
      (t) => (layouts.get(t)?.at ?? 0) < now - refreshMs,
    );
    if (stale.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: stale });
      for (const t of topics) layouts.set(t.name, { at: now, metadata: t.partitions });
    }
    const groups = new Map<string, [string, Message[]]>();
    for (const { topic, message } of outputs) {
      const metadata = layouts.get(topic)?.metadata ?? [];
      const p = message.partition ?? partitioner({ topic, partitionMetadata: metadata, message });
      const id = `${topic}\u0000${p}`;
      const group = groups.get(id) ?? [topic, []];
      group[1].push({ ...message, partition: p });
      groups.set(id, group);
    }
    return [...groups.values()];
  };
}
