/**
 * "Read up to where the topic ended when we started": a consumer has caught up once every
 * partition was consumed to the end offset it had then. kafkajs reports the last offset of every
 * batch it processed, commit markers and aborted records included (END_BATCH_PROCESS), which is
 * what makes this safe on transactional topics. Used by the DLQ tool's scans and by the
 * reference-data followers.
 */
import type { Consumer } from 'kafkajs';

/** Partition key: `<topic>:<partition>`. */
export const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * Resolves once each partition of `ends` (end offset, exclusive) has been consumed that far;
 * rejects when the consumer crashes for good. `onBatch` sees every batch (progress, liveness).
 */
export function caughtUp(
  consumer: Consumer,
  ends: ReadonlyMap<string, bigint>,
  onBatch?: (batch: { topic: string; partition: number; batchSize: number }) => void,
): Promise<void> {
  const pending = new Map(ends);
  return new Promise<void>((resolve, reject) => {
    if (pending.size === 0) resolve();
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      onBatch?.(payload);
      const key = partitionKey(payload.topic, payload.partition);
      const end = pending.get(key);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(key);
      if (pending.size === 0) resolve();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(payload.error);
    });
  });
}
