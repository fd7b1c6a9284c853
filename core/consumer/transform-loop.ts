/**
 * Consume → transform → produce in Kafka transactions: a batch's outputs and its input offsets
 * commit together, so downstream `read_committed` consumers see each output exactly once. The
 * producers and their fencing are partition-producers.ts; the retry policy retry.ts; what a Kafka
 * error means, core/kafka/errors.ts.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { BreakerState } from '../circuit-breaker.ts';
import { AirlockError, CHECK_IDS, isRetriable } from '../errors.ts';
import type { HistoryBatch, HistoryStores } from '../history/history.ts';
import { classifyKafkaError } from '../kafka/errors.ts';
import type { Logger } from '../logger.ts';
import { type OutputRecord, partitionProducers } from './partition-producers.ts';
import { backoffMs, outputBreaker, waitOut } from './retry.ts';

export type { OutputRecord };

export interface InputRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Maps one input record to its outputs (to the next topic, or to the DLQ). A permanent problem with
 * the record must be returned as a DLQ output; throwing means "transient, try again". With history
 * stores, `history` is the record's view of its partition's history: what it reads includes the
 * updates of the records before it in the batch, and what it puts returns the changelog records to
 * add to its outputs.
 */
export type Transform = (input: InputRecord, history?: HistoryBatch) => Promise<OutputRecord[]>;

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
  /** History stores of the input partitions: restored before a partition's first batch here. */
  history?: HistoryStores;
  /** The DLQ output for a record whose transform failed with a permanent (non-retriable) error. */
  deadLetter: (input: InputRecord, error: AirlockError) => OutputRecord;
  /** Called with a batch's outputs and inputs once its transaction committed (status events, metrics). */
  afterCommit?: (outputs: readonly OutputRecord[], inputs: readonly InputRecord[]) => void;
  /** The consumer stopped for good (kafkajs will not restart it): the stage must not look healthy. */
  onFatal: (error: Error) => void;
  /** Told each transaction's outcome and duration (metrics). */
  onTransaction?: (outcome: 'committed' | 'failed', seconds: number) => void;
}

/**
 * The loop's lifecycle: idle → starting → running → stopping → stopped, or running → crashed when
 * kafkajs gives up on the consumer (it will not restart it; the stage exits).
 */
export type LoopState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface TransformLoop {
  start(): Promise<void>;
  /** Stops fetching, lets the batch in flight commit, disconnects every producer. */
  stop(): Promise<void>;
  /** Records committed since start (outputs are counted per input). */
  readonly committed: number;
  readonly state: LoopState;
  /** True only in state `running` (the consumer health check). */
  readonly running: boolean;
  /** The output circuit breaker: open while the destinations cannot be written. */
  readonly outputs: BreakerState;
}

type Result = { input: InputRecord; outputs: OutputRecord[] };

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
  const producers = partitionProducers({
    kafka,
    admin,
    logger,
    groupId,
    inputTopic,
    transactionalIdPrefix: opts.transactionalIdPrefix,
    seek: (partition, offset) => consumer.seek({ topic: inputTopic, partition, offset }),
    // A partition newly fenced may have been written by another owner: its history is read again.
    onFenced: (partition) => opts.history?.invalidate(partition),
  });
  const { ensureFenced } = producers;
  /** A transaction (partition-producers.ts), timed for the metrics. */
  const commit = async (partition: number, outputs: readonly OutputRecord[], next: string) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      await producers.commit(partition, outputs, next);
    } catch (err) {
      opts.onTransaction?.('failed', seconds());
      throw err;
    }
    opts.onTransaction?.('committed', seconds());
  };
  let committed = 0;
  let state: LoopState = 'idle';
  const breaker = outputBreaker();

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const { partition } = batch;
    const log = logger.child({ topic: batch.topic, partition });
    const firstOffset = batch.firstOffset() ?? '0';
    /** A producer for the partition, fencing a zombie on first use; false: the batch is stale. */
    const ready = () => ensureFenced(partition, firstOffset);
    if (!(await ready())) return;
    let staged: HistoryBatch | undefined;
    const transformAll = async () => {
      // Restored after the fence, so that no zombie's transaction is still open on the changelogs;
      // staged afresh on every attempt, so that a retried record never reads its own updates.
      await opts.history?.ensure(partition, heartbeat);
      staged = opts.history?.begin(partition);
      const out: Result[] = [];
      for (const message of batch.messages) {
        const input = { topic: batch.topic, partition, message };
        try {
          out.push({ input, outputs: await opts.transform(input, staged) });
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
    let results: Result[] | undefined;
    let outputs: OutputRecord[] = [];
    for (let attempt = 0; ; attempt++) {
      if (!(await waitOut(breaker.waitMs, heartbeat, owned))) return;
      try {
        await breaker.run(async () => {
          results ??= await transformAll();
          outputs = results.flatMap((r) => r.outputs);
          // One changelog record per history key and batch: a compacted changelog keeps only the last.
          if (opts.history) outputs = opts.history.coalesce(outputs);
          await commit(partition, outputs, next);
        });
        break;
      } catch (err) {
        const { kind, types } = classifyKafkaError(err);
        if (kind === 'fenced') throw err;
        if (kind === 'refused') {
          // The destination refused something in this batch for good: commit record by record, and
          // send a record it refuses to the DLQ with the reason, so the partition moves on.
          log.warn({ err, types }, 'a destination refused the batch; committing record by record');
          if (!(await ready()) || !results) return;
          const done = await oneByOne(results, resolveOffset);
          if (opts.history) {
            // The local copy is read again before the partition's next batch, after a fresh fence:
            // initialising the transactional id waits for this commit's markers, so the restore
            // reads it (a read_committed end is the last stable offset).
            opts.history.invalidate(partition);
            producers.release(partition);
          }
          if (!done) return;
          if (done.stoppedAfter !== undefined) {
            // A record went to the DLQ: the ones after it were judged with its history updates, so
            // they are fetched again and judged against the history without them.
            consumer.seek({ topic: batch.topic, partition, offset: done.stoppedAfter });
            committed += done.inputs.length;
            opts.afterCommit?.(done.outputs, done.inputs);
            return;
          }
          outputs = done.outputs;
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
    if (staged) opts.history?.applied(staged);
    resolveOffset(batch.lastOffset());
    committed += batch.messages.length;
    opts.afterCommit?.(
      outputs,
      (results ?? []).map((r) => r.input),
    );
    log.debug({ records: batch.messages.length, outputs: outputs.length }, 'batch committed');
    await heartbeat();
  };

  /**
   * Each record in its own transaction; a record whose outputs a destination refuses for good goes
   * to the DLQ instead (all its outputs or none: a fanned-out record is never half-delivered).
   * Transient failures are thrown: kafkajs re-fetches, and fencing re-reads the committed offset.
   */
  const oneByOne = async (
    results: readonly Result[],
    resolveOffset: (offset: string) => void,
  ): Promise<{ outputs: OutputRecord[]; inputs: InputRecord[]; stoppedAfter?: string } | undefined> => {
    const all: OutputRecord[] = [];
    const inputs: InputRecord[] = [];
    for (const { input, outputs } of results) {
      const next = (BigInt(input.message.offset) + 1n).toString();
      let written = outputs;
      // A failed commit dropped the producer: its successor is fenced and checked like any other.
      if (!(await ensureFenced(input.partition, input.message.offset))) return undefined;
      try {
        await commit(input.partition, outputs, next);
      } catch (err) {
        const { kind, types } = classifyKafkaError(err);
        if (kind !== 'refused') throw err;
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
              reasons: [{ code: 'DESTINATION_REJECTED', rule: CHECK_IDS.destination, path: '', message }],
            }),
          ),
        ];
        if (!(await ensureFenced(input.partition, input.message.offset))) return undefined;
        await commit(input.partition, written, next);
      }
      resolveOffset(input.message.offset);
      all.push(...written);
      inputs.push(input);
      // With history, the records after a DLQ'd one read its updates: they are judged again.
      if (opts.history && written !== outputs && input !== results.at(-1)?.input)
        return { outputs: all, inputs, stoppedAfter: next };
    }
    return { outputs: all, inputs };
  };

  return {
    get committed() {
      return committed;
    },
    get state() {
      return state;
    },
    get running() {
      return state === 'running';
    },
    get outputs() {
      return breaker.state;
    },
    async start() {
      if (state !== 'idle') throw new Error(`transform loop: start() in state ${state}`);
      state = 'starting';
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) {
          state = 'crashed';
          opts.onFatal(payload.error);
        }
      });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const owned = new Set(payload.memberAssignment[inputTopic] ?? []);
        producers.keepOnly(owned);
        opts.history?.keepOnly(owned);
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
      // A crash during start-up is final: the loop stays crashed.
      if (state === 'starting') state = 'running';
    },
    async stop() {
      if (state !== 'crashed') state = 'stopping';
      await consumer.disconnect();
      await admin.disconnect();
      await producers.closeAll();
      if (state === 'stopping') state = 'stopped';
    },
  };
}
