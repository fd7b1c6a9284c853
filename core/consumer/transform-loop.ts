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
import { type BreakerState, CircuitBreaker } from '../circuit-breaker.ts';
import { AirlockError, isRetriable } from '../errors.ts';
import { TRANSACTIONAL_RETRY } from '../kafka/client.ts';
import type { Logger } from '../logger.ts';

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
  /** The output circuit breaker: open while the destinations cannot be written. */
  readonly outputs: BreakerState;
}

/** Kafka error types that mean "this record will never be accepted there": DLQ, not retry. */
export const PERMANENT_DESTINATION = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'TOPIC_AUTHORIZATION_FAILED',
  'POLICY_VIOLATION',
  'INVALID_TOPIC_EXCEPTION',
]);
/** Another producer owns the transactional id now: this process must let go of the partition. */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

/** The Kafka protocol error types in an error and everything it wraps (kafkajs nests them). */
export function errorTypes(err: unknown, seen = new Set<unknown>()): string[] {
  if (err === null || typeof err !== 'object' || seen.has(err)) return [];
  seen.add(err);
  const e = err as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  const out = typeof e.type === 'string' ? [e.type] : [];
  for (const inner of [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    out.push(...errorTypes(inner, seen));
  }
  return [...new Set(out)];
}

/** Exponential backoff with full jitter: 200 ms doubling, capped at 30 s, at least half the base. */
export function backoffMs(attempt: number, random = Math.random): number {
  const ceiling = Math.min(30_000, 200 * 2 ** Math.min(attempt, 20));
  return Math.max(100, Math.floor(random() * ceiling));
}

/**
 * Waits `ms` while keeping the group membership alive (heartbeats); false as soon as the partition
 * is no longer this consumer's (rebalance, stop): the batch is then left to its next owner.
 */
async function waitOut(ms: number, heartbeat: () => Promise<void>, owned: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (owned() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    try {
      await heartbeat();
    } catch {
      return false;
    }
  }
  return owned();
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
  // The output side of the stage: after 3 failed transactions in a row every partition waits for
  // the breaker (1 s doubling with jitter, capped at 30 s) instead of hammering a broken destination.
  const breaker = new CircuitBreaker({ threshold: 3, baseMs: 1000, maxMs: 30_000 });

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

  /** Producers whose first use fenced the partition's previous owner and re-read its offset. */
  const fenced = new WeakSet<Producer>();
  /**
   * The partition's producer, fenced and checked before its first use (false: the offsets moved
   * past `fromOffset`, the batch is stale). A producer whose check failed is never used: the next
   * attempt starts with a new one and checks again.
   */
  const ensureFenced = async (partition: number, fromOffset: string): Promise<boolean> => {
    const producer = await producerFor(partition);
    if (fenced.has(producer)) return true;
    let current: boolean;
    try {
      current = await fenceAndCheck(producer, partition, fromOffset);
    } catch (err) {
      producers.delete(partition);
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    fenced.add(producer);
    return current;
  };

  /**
   * One transaction: the outputs and the input offset `next`. On failure it aborts, drops the
   * partition's producer (the next attempt initialises the id afresh) and rethrows.
   */
  const commit = async (partition: number, outputs: readonly OutputRecord[], next: string) => {
    const producer = await producerFor(partition);
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
      await tx.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: inputTopic, partitions: [{ partition, offset: next }] }],
      });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      producers.delete(partition);
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const { partition } = batch;
    const log = logger.child({ topic: batch.topic, partition });
    const firstOffset = batch.firstOffset() ?? '0';
    /** A producer for the partition, fencing a zombie on first use; false: the batch is stale. */
    const ready = () => ensureFenced(partition, firstOffset);
    if (!(await ready())) return;
    const transformAll = async () => {
      const out: { input: InputRecord; outputs: OutputRecord[] }[] = [];
      for (const message of batch.messages) {
        const input = { topic: batch.topic, partition, message };
        try {
          out.push({ input, outputs: await opts.transform(input) });
        } catch (err) {
          // Retry or DLQ is decided by `retriable`: a permanent fault must not block the partition;
          // a transient one (registry or Kafka unavailable, or unknown) is retried below, never DLQ'd.
          if (isRetriable(err) || !(err instanceof AirlockError)) throw err;
          log.warn({ err, offset: message.offset }, 'permanent failure; record sent to the DLQ');
          out.push({ input, outputs: [opts.deadLetter(input, err)] });
        }
      }
      return out;
    };
    const owned = () => isRunning() && !isStale();
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    let results: { input: InputRecord; outputs: OutputRecord[] }[] | undefined;
    let outputs: OutputRecord[] = [];
    for (let attempt = 0; ; attempt++) {
      if (!(await waitOut(breaker.waitMs, heartbeat, owned))) return;
      try {
        await breaker.run(async () => {
          results ??= await transformAll();
          outputs = results.flatMap((r) => r.outputs);
          await commit(partition, outputs, next);
        });
        break;
      } catch (err) {
        const types = errorTypes(err);
        if (types.some((t) => FENCED.has(t))) throw err;
        if (types.some((t) => PERMANENT_DESTINATION.has(t))) {
          // The destination refused something in this batch for good: commit record by record, and
          // send a record it refuses to the DLQ with the reason, so the partition moves on.
          log.warn({ err, types }, 'a destination refused the batch; committing record by record');
          if (!(await ready()) || !results) return;
          const written = await oneByOne(results, resolveOffset);
          if (!written) return;
          outputs = written;
          break;
        }
        const delayMs = backoffMs(attempt);
        log.warn(
          { err, attempt: attempt + 1, delayMs, breaker: breaker.state },
          'batch failed (transform or transaction); the partition waits and retries',
        );
        if (!(await waitOut(delayMs, heartbeat, owned)) || !(await ready())) return;
      }
    }
    resolveOffset(batch.lastOffset());
    committed += batch.messages.length;
    opts.afterCommit?.(outputs);
    log.debug({ records: batch.messages.length, outputs: outputs.length }, 'batch committed');
    await heartbeat();
  };

  /**
   * Each record in its own transaction; a record whose outputs a destination refuses for good goes
   * to the DLQ instead (all its outputs or none: a fanned-out record is never half-delivered).
   * Transient failures are thrown: kafkajs re-fetches, and fencing re-reads the committed offset.
   */
  const oneByOne = async (
    results: readonly { input: InputRecord; outputs: OutputRecord[] }[],
    resolveOffset: (offset: string) => void,
  ): Promise<OutputRecord[] | undefined> => {
    const all: OutputRecord[] = [];
    for (const { input, outputs } of results) {
      const next = (BigInt(input.message.offset) + 1n).toString();
      let written = outputs;
      // A failed commit dropped the producer: its successor is fenced and checked like any other.
      if (!(await ensureFenced(input.partition, input.message.offset))) return undefined;
      try {
        await commit(input.partition, outputs, next);
      } catch (err) {
        const types = errorTypes(err);
        if (!types.some((t) => PERMANENT_DESTINATION.has(t))) throw err;
        const topics = [...new Set(outputs.map((o) => o.topic))].join(', ');
        const message = `the destination refused the record (${types.join(', ')}) on ${topics}`;
        logger.warn(
          { offset: input.message.offset, types, topics },
          'record refused by its destination; sent to the DLQ',
        );
        written = [
          opts.deadLetter(
            input,
            new AirlockError('DESTINATION_REJECTED', message, {
              cause: err,
              reasons: [{ code: 'DESTINATION_REJECTED', rule: 'DESTINATION', path: '', message }],
            }),
          ),
        ];
        if (!(await ensureFenced(input.partition, input.message.offset))) return undefined;
        await commit(input.partition, written, next);
      }
      resolveOffset(input.message.offset);
      all.push(...written);
    }
    return all;
  };

  return {
    get committed() {
      return committed;
    },
    get running() {
      return running;
    },
    get outputs() {
      return breaker.state;
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
