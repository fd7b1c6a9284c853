/**
 * Consume → transform → produce in Kafka transactions: a batch's outputs and its input offsets
 * commit together, so downstream `read_committed` consumers see each output exactly once.
 *
 * kafkajs has no KIP-447 (consumer-group metadata fencing), so the transactional id is derived from
 * the input partition: `<prefix>-<group>-<topic>-<partition>`. Whichever process owns a partition
 * after a rebalance or a restart initialises the same transactional id, which bumps its epoch and
 * fences any zombie still holding the old producer (docs/adr/0002-exactly-once.md).
 */
import {
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Message,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { AirlockError, isRetriable } from './errors.ts';
import type { Logger } from './logger.ts';

export interface OutputRecord {
  topic: string;
  message: Message;
}

export interface InputRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Maps one input record to its outputs (to the next topic, or to the DLQ). A permanent problem with
 * the record must be returned as a DLQ output; throwing means "transient, try again".
 */
export type Transform = (input: InputRecord) => Promise<OutputRecord[]>;

export interface TransformLoopOptions {
  kafka: Kafka;
  sessionTimeoutMs: number;
  /** How many partitions' batches are processed at once (each in its own transaction). */
  partitionsConcurrently?: number;
  logger: Logger;
  groupId: string;
  inputTopic: string;
  transactionalIdPrefix: string;
  transform: Transform;
  /** The DLQ output for a record whose transform failed with a permanent (non-retriable) error. */
  deadLetter: (input: InputRecord, error: AirlockError) => OutputRecord;
  /** Called with a batch's outputs once its transaction committed (status events, metrics). */
  afterCommit?: (outputs: readonly OutputRecord[]) => void;
  /** The consumer stopped for good (kafkajs will not restart it): the stage must not look healthy. */
  onFatal: (error: Error) => void;
}

export interface TransformLoop {
  start(): Promise<void>;
  /** Stops fetching, lets the batch in flight commit, disconnects every producer. */
  stop(): Promise<void>;
  /** Records committed since start (outputs are counted per input). */
  readonly committed: number;
  /** False once the consumer stopped for good (crash without restart) or was stopped. */
  readonly running: boolean;
}

export function createTransformLoop(opts: TransformLoopOptions): TransformLoop {
  const { kafka, logger, groupId, inputTopic } = opts;
  const consumer: Consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    sessionTimeout: opts.sessionTimeoutMs,
    heartbeatInterval: Math.floor(opts.sessionTimeoutMs / 10),
  });
  const admin = kafka.admin();
  const producers = new Map<number, Promise<Producer>>();
  let committed = 0;
  let running = false;

  /**
   * First use of a partition's transactional id in this process: initialising it fences a zombie
   * (and aborts its open transaction). A zombie may have committed after this consumer read the
   * group's offsets, so they are read again; when they moved past this batch, the batch is skipped
   * and the partition re-fetched from the committed offset (the pre-KIP-447 fencing pattern).
   */
  const fenceAndCheck = async (
    producer: Producer,
    partition: number,
    firstOffset: string,
  ): Promise<boolean> => {
    const init = await producer.transaction();
    await init.abort();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [inputTopic] });
    const committedOffset = offsets?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    if (BigInt(committedOffset) > BigInt(firstOffset)) {
      logger.warn(
        { partition, committedOffset, firstOffset },
        'offsets moved while fencing; re-fetching from the committed offset',
      );
      consumer.seek({ topic: inputTopic, partition, offset: committedOffset });
      return false;
    }
    return true;
  };

  const producerFor = (partition: number): Promise<Producer> => {
    let p = producers.get(partition);
    if (!p) {
      const transactionalId = `${opts.transactionalIdPrefix}-${groupId}-${inputTopic}-${partition}`;
      const producer = kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        // A destination that does not exist is an outage to wait out, never a topic to create.
        allowAutoTopicCreation: false,
      });
      p = producer.connect().then(() => producer);
      p.catch(() => producers.delete(partition));
      producers.set(partition, p);
    }
    return p;
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const log = logger.child({ topic: batch.topic, partition: batch.partition });
    const fresh = !producers.has(batch.partition);
    const producer = await producerFor(batch.partition);
    if (fresh && !(await fenceAndCheck(producer, batch.partition, batch.firstOffset() ?? '0'))) return;
    const outputs: OutputRecord[] = [];
    for (const message of batch.messages) {
      const input = { topic: batch.topic, partition: batch.partition, message };
      try {
        outputs.push(...(await opts.transform(input)));
      } catch (err) {
        // Retry or DLQ is decided by `retriable`: a permanent fault must not block the partition.
        if (isRetriable(err) || !(err instanceof AirlockError)) throw err;
        log.warn({ err, offset: message.offset }, 'permanent failure; record sent to the DLQ');
        outputs.push(opts.deadLetter(input, err));
      }
    }
    const tx = await producer.transaction();
    try {
      const byTopic = new Map<string, Message[]>();
      for (const o of outputs) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o.message]);
      if (byTopic.size > 0) {
        await tx.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      }
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await tx.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
      });
      await tx.commit();
    } catch (err) {
      log.warn(
        { err, retriable: isRetriable(err) },
        'transaction failed; aborting, the batch will be retried',
      );
      await tx.abort().catch((abortErr: unknown) => log.warn({ err: abortErr }, 'abort failed'));
      // A fenced or broken producer is not reused: the next attempt initialises the id afresh.
      producers.delete(batch.partition);
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    resolveOffset(batch.lastOffset());
    committed += batch.messages.length;
    opts.afterCommit?.(outputs);
    log.debug({ records: batch.messages.length, outputs: outputs.length }, 'batch committed');
    await heartbeat();
  };

  return {
    get committed() {
      return committed;
    },
    get running() {
      return running;
    },
    async start() {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) {
          running = false;
          opts.onFatal(payload.error);
        }
      });
      // Producers of partitions this process no longer owns are closed: the new owner fences them
      // anyway, and a fenced producer must never be reused if the partition comes back.
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const owned = new Set(payload.memberAssignment[inputTopic] ?? []);
        for (const [partition, p] of producers) {
          if (owned.has(partition)) continue;
          producers.delete(partition);
          void p.then((producer) => producer.disconnect()).catch(() => undefined);
        }
      });
      await admin.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: inputTopic, fromBeginning: true });
      // Partitions are processed concurrently: each has its own transactional producer, so their
      // transactions are independent, and order within a partition is kept.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 1,
        eachBatch,
      });
      running = true;
    },
    async stop() {
      running = false;
      await consumer.disconnect();
      await admin.disconnect();
      const all = await Promise.allSettled(producers.values());
      await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.disconnect() : undefined)));
      producers.clear();
    },
  };
}
