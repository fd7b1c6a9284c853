/**
 * One transactional producer per input partition, and the fencing that makes a partition's outputs
 * exactly once across rebalances and restarts.
 *
 * kafkajs has no KIP-447 (consumer-group metadata fencing), so the transactional id is derived from
 * the input partition: `<prefix>-<group>-<topic>-<partition>`. Whichever process owns a partition
 * after a rebalance or a restart initialises the same transactional id, which bumps its epoch and
 * fences any zombie still holding the old producer (docs/adr/0002-exactly-once.md).
 */
import { type Admin, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { chunksOf, messageBytes } from '../kafka/batches.ts';
import { TRANSACTIONAL_RETRY } from '../kafka/client.ts';
import { partitionPlacer } from '../kafka/partitions.ts';
import { assertStableOffsetsSupported } from '../kafka/read-committed.ts';
import type { Logger } from '../logger.ts';

export interface OutputRecord {
  topic: string;
  message: Message;
}

/** The partition's producer was released (or never fenced) between a batch's fence and its commit. */
export class PartitionReleasedError extends Error {
  override readonly name = 'PartitionReleasedError';
  constructor(partition: number) {
    super(
      `partition ${partition}: its producer was released before the commit; fenced and checked again first`,
    );
  }
}

export interface PartitionProducers {
  /**
   * The partition's producer, fenced and checked before its first use (false: the group's offsets
   * moved past `fromOffset`, the batch is stale and the partition was re-fetched). A producer whose
   * check failed is never used: the next attempt starts with a new one and checks again.
   */
  ensureFenced(partition: number, fromOffset: string): Promise<boolean>;
  /**
   * One transaction: the outputs and the input offset `next`. On failure it aborts, drops the
   * partition's producer (the next attempt initialises the id afresh) and rethrows.
   */
  commit(partition: number, outputs: readonly OutputRecord[], next: string): Promise<void>;
  /** Closes the producers of partitions this process no longer owns. */
  keepOnly(owned: ReadonlySet<number>): void;
  /** Closes a partition's producer: its next batch initialises the transactional id afresh. */
  release(partition: number): void;
  closeAll(): Promise<void>;
}

/**
 * What one send of a transaction may carry. A fetched batch (up to 1 MiB a partition) may have more
 * bytes of outputs than of inputs (Avro values with the same headers and a verdict's), and kafkajs
 * sends one record batch per partition: above the topic's `max.message.bytes` (1 MiB by default)
 * the broker refused the whole batch, and the loop fell back to one transaction per record —
 * measurements ran at ~250 records/s instead of thousands (2026-12-02). A quarter of the default
 * keeps every run well inside it; a record larger than that runs alone (the ingress lets through
 * only records that fit every topic on their way).
 */
export const OUTPUT_BATCH_BYTES = 256 * 1024;

/** How long the fence waits for a transaction's pending offsets to settle before it fails the batch. */
const STABLE_OFFSET_WAIT_MS = 10_000;

/**
 * The group's committed offset of one partition, stable (KIP-447 `require_stable`, OffsetFetch v7 in
 * the project's kafkajs patch). A transaction's offsets are pending from its TxnOffsetCommit until
 * the group coordinator has applied its commit marker, which it does after the transaction has
 * completed; a plain OffsetFetch in that window answers the older offset, and a new owner would
 * process again what the fenced one committed. Asked to be stable, the broker answers
 * UNSTABLE_OFFSET_COMMIT instead, retried here until the offset settles.
 */
export async function stableOffset(
  admin: Pick<Admin, 'fetchOffsets'>,
  groupId: string,
  topic: string,
  partition: number,
  waitMs = STABLE_OFFSET_WAIT_MS,
): Promise<string> {
  const deadline = performance.now() + waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 500)) {
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic], requireStable: true });
      return offsets?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    } catch (err) {
      if (
        (err as { type?: string }).type !== 'UNSTABLE_OFFSET_COMMIT' ||
        performance.now() + pause > deadline
      )
        throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

export function partitionProducers(opts: {
  kafka: Kafka;
  admin: Admin;
  logger: Logger;
  groupId: string;
  inputTopic: string;
  transactionalIdPrefix: string;
  /** Moves the consumer of a stale partition back to the group's committed offset. */
  seek: (partition: number, offset: string) => void;
  /** A producer fenced the partition's previous owner (first use of its transactional id here). */
  onFenced?: (partition: number) => void;
}): PartitionProducers {
  assertStableOffsetsSupported();
  const { kafka, admin, logger, groupId, inputTopic } = opts;
  const producers = new Map<number, Promise<Producer>>();
  /** Producers whose first use fenced the partition's previous owner and re-read its offset. */
  const fenced = new WeakSet<Producer>();
  /**
   * Partitions whose group offset was read (stable) since the last rebalance. After a rebalance
   * kafkajs starts a partition this process kept from the group's committed offset, read without
   * require_stable: right after this process's own last commit that can be the offset before it
   * (the coordinator applies a transaction's offsets after it completed; slower on a cluster), and
   * the batch it had just committed comes again. Its producer is fenced already, so without this
   * check the batch was committed twice (the fault suite, 2026-12-03: 99 of 8,167 records).
   */
  const checked = new Set<number>();
  /** The offset after each partition's last batch this process committed. */
  const committedNext = new Map<number, string>();

  const producerFor = (partition: number): Promise<Producer> => {
    let p = producers.get(partition);
    if (!p) {
      const transactionalId = `${opts.transactionalIdPrefix}-${groupId}-${inputTopic}-${partition}`;
      const producer = kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: TRANSACTIONAL_RETRY,
        // A destination that does not exist is an outage to wait out, never a topic to create.
        allowAutoTopicCreation: false,
      });
      p = producer.connect().then(() => producer);
      p.catch(() => producers.delete(partition));
      producers.set(partition, p);
    }
    return p;
  };

  /** Each send writes one partition (core/kafka/partitions.ts: a kafkajs retry could duplicate). */
  const partitioned = partitionPlacer(admin);

  const release = (partition: number) => {
    const p = producers.get(partition);
    checked.delete(partition);
    committedNext.delete(partition);
    if (!p) return;
    producers.delete(partition);
    void p.then((producer) => producer.disconnect()).catch(() => undefined);
  };

  const drop = async (partition: number, producer: Producer) => {
    producers.delete(partition);
    checked.delete(partition);
    committedNext.delete(partition);
    await producer.disconnect().catch(() => undefined);
  };

  /**
   * First use of a partition's transactional id in this process: initialising it fences a zombie
   * (and aborts its open transaction). A zombie may have committed after this consumer read the
   * group's offsets, so they are read again; when they moved past this batch, the batch is skipped
   * and the partition re-fetched from the committed offset (the pre-KIP-447 fencing pattern).
   */
  const fenceAndCheck = async (producer: Producer, partition: number, firstOffset: string) => {
    const init = await producer.transaction();
    await init.abort();
    return offsetCheck(partition, firstOffset);
  };

  /** True when the batch starts at or after the group's stable offset; else re-fetched from it. */
  const offsetCheck = async (partition: number, firstOffset: string) => {
    const committedOffset = await stableOffset(admin, groupId, inputTopic, partition);
    if (BigInt(committedOffset) > BigInt(firstOffset)) {
      logger.warn(
        { partition, committedOffset, firstOffset },
        'offsets moved while fencing; re-fetching from the committed offset',
      );
      opts.seek(partition, committedOffset);
      return false;
    }
    return true;
  };

  return {
    async ensureFenced(partition, fromOffset) {
      const producer = await producerFor(partition);
      if (fenced.has(producer)) {
        // A batch this process committed already, delivered again: skipped without a round trip.
        const done = committedNext.get(partition);
        if (done !== undefined && BigInt(fromOffset) < BigInt(done)) {
          logger.warn(
            { partition, fromOffset, committedNext: done },
            'a committed batch came again; skipped',
          );
          opts.seek(partition, done);
          return false;
        }
        if (checked.has(partition)) return true;
        // The first batch since a rebalance: the group's offset, stable, decides.
        const current = await offsetCheck(partition, fromOffset);
        if (current) checked.add(partition);
        return current;
      }
      let current: boolean;
      try {
        current = await fenceAndCheck(producer, partition, fromOffset);
      } catch (err) {
        await drop(partition, producer);
        throw err;
      }
      fenced.add(producer);
      if (current) checked.add(partition);
      opts.onFenced?.(partition);
      return current;
    },

    async commit(partition, outputs, next) {
      // One partition per send (core/kafka/partitions.ts).
      const placed = await partitioned(outputs);
      // Only with the producer that was fenced and checked for this batch. Had the partition been
      // released meanwhile (a rebalance took it: keepOnly), a producer made here would fence the
      // new owner without re-reading the group's offsets, and commit a batch the new owner may
      // have committed already: a duplicate. The caller retries through ensureFenced instead.
      const pending = producers.get(partition);
      const producer = pending ? await pending.catch(() => undefined) : undefined;
      if (!producer || !fenced.has(producer)) throw new PartitionReleasedError(partition);
      const tx = await producer.transaction();
      try {
        for (const [topic, messages] of placed)
          for (const run of chunksOf(messages, messages.map(messageBytes), OUTPUT_BATCH_BYTES))
            await tx.sendBatch({ acks: -1, topicMessages: [{ topic, messages: run }] });
        await tx.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: inputTopic, partitions: [{ partition, offset: next }] }],
        });
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        await drop(partition, producer);
        throw err;
      }
      committedNext.set(partition, next);
    },

    // Producers of partitions this process no longer owns are closed: the new owner fences them
    // anyway, and a fenced producer must never be reused if the partition comes back.
    keepOnly(owned) {
      for (const partition of [...producers.keys()]) if (!owned.has(partition)) release(partition);
      // Called on every rebalance: each partition's next batch checks the group's offset again.
      checked.clear();
    },

    release,

    async closeAll() {
      const all = await Promise.allSettled(producers.values());
      await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.disconnect() : undefined)));
      producers.clear();
    },
  };
}
