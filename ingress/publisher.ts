/**
 * Publishes accepted records to the ingress topic in Kafka transactions (DESIGN.md "Stages",
 * reliability promises 1 and 2; docs/adr/0007-transactional-ingress.md):
 *
 * - `publish` resolves only once the transaction holding the request's records committed with
 *   acks=all: that is what a 202 promises. A request's records are one unit, never split.
 * - It rejects with KAFKA_UNAVAILABLE only when the records can never become visible to a
 *   read_committed reader: the transaction was not committed and never will be (it is aborted by
 *   us, by the slot's next producer, or by the coordinator's transaction timeout).
 * - A request whose deadline passes before its commit began is answered 503 at once; its
 *   transaction is then aborted, never committed. Once the commit began, the request waits for its
 *   outcome; when the commit got no answer, the outcome is read back (./publish/outcome.ts).
 *   Only if even that fails is the outcome unknown (OutcomeUnknownError): the caller keeps the
 *   Idempotency-Key reserved and answers nothing.
 *
 * Concurrent requests are gathered (micro-batching, `lingerMs`) into one transaction per free slot.
 */
import type { Admin, Kafka, Message, RecordMetadata } from 'kafkajs';
import { CircuitBreaker } from '../core/circuit-breaker.ts';
import { backoffMs } from '../core/consumer/retry.ts';
import { AirlockError } from '../core/errors.ts';
import type { HeaderMap } from '../core/headers.ts';
import { Header } from '../core/headers.ts';
import { chunksOf, messageBytes } from '../core/kafka/batches.ts';
import { classifyKafkaError } from '../core/kafka/errors.ts';
import { partitionPlacer } from '../core/kafka/partitions.ts';
import type { Logger } from '../core/logger.ts';
import { committed, OutcomeUnknownError } from './publish/outcome.ts';
import { type PublishPressure, recentSamples } from './publish/pressure.ts';
import { createSlots, type Slot } from './publish/slots.ts';

export { OutcomeUnknownError, type PublishPressure };

export interface OutgoingRecord {
  key: string;
  value: string;
  headers: HeaderMap;
}

export interface Publisher {
  connect(): Promise<void>;
  /** One request's records, in one transaction (see the module comment for what each outcome means). */
  publish(records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
  /** How hard it is pressed now, for load shedding (ingress/shedding.ts); read-only. */
  pressure?(): PublishPressure;
}

export interface PublisherOptions {
  kafka: Kafka;
  /** The topic's partitions, for one partition per produce (core/kafka/partitions.ts); as kafkajs sends when absent. */
  admin?: Pick<Admin, 'fetchTopicMetadata'> | undefined;
  topic: string;
  /** A request's deadline: its transaction must have begun to commit by then, else 503. */
  timeoutMs: number;
  lingerMs: number;
  maxBatchRecords: number;
  /**
   * What one produce batch to a partition may take (the topic's max.message.bytes less framing):
   * requests are gathered, and a large request's records sent in several batches of its
   * transaction, so that no batch is refused as too large. Unbounded when absent.
   */
  maxBatchBytes?: (() => number) | undefined;
  /** This instance's transactional id (a restart with the same id fences its predecessor). */
  transactionalId: string;
  producers: number;
  transactionTimeoutMs: number;
  /** How long an unanswered commit's outcome is sought (fence, read back) before it is unknown. */
  resolveTimeoutMs: number;
  logger: Logger;
  /** Told every transaction's outcome (metrics). */
  onOutcome?: (outcome: TransactionOutcome) => void;
}

export type TransactionOutcome =
  | 'committed'
  | 'aborted'
  | 'read-back-committed'
  | 'read-back-aborted'
  | 'unknown';

type Phase = 'queued' | 'sending' | 'committing' | 'settled';

interface Request {
  /** When it arrived (performance.now()). */
  at: number;
  messages: Message[];
  /** Estimated bytes of each message as a Kafka record (messageBytes). */
  sizes: number[];
  bytes: number;
  traceIds: string[];
  phase: Phase;
  /** Answered 503 at its deadline while its transaction was sending: that transaction must abort. */
  expired: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Kafka errors on EndTxn that do not prove the commit was refused: a concurrent operation, or a
 * broker-side timeout of the write that may still land (the transaction log append in flight).
 */
const AMBIGUOUS_COMMIT_ERRORS = new Set([
  'CONCURRENT_TRANSACTIONS',
  'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
]);

/** A commit answered with an unambiguous Kafka error was refused: not committed, and never will be. */
export function commitRefused(err: unknown): boolean {
  const { types } = classifyKafkaError(err);
  return types.length > 0 && !types.some((t) => AMBIGUOUS_COMMIT_ERRORS.has(t));
}

export function createKafkaPublisher(opts: PublisherOptions): Publisher {
  const { kafka, topic, logger } = opts;
  const place = opts.admin ? partitionPlacer(opts.admin) : undefined;
  const slots = createSlots({
    kafka,
    logger,
    transactionalId: opts.transactionalId,
    count: opts.producers,
    transactionTimeoutMs: opts.transactionTimeoutMs,
  });
  // Each transaction goes through the breaker: a down broker is answered 503 at once.
  const breaker = new CircuitBreaker({ threshold: 3, baseMs: 1000, maxMs: 30_000 });
  let queue: Request[] = [];
  let lingering: NodeJS.Timeout | undefined;
  /** Shutting down: what is queued is sent without lingering. */
  let flushing = false;
  let closing = false;
  // The pressure (issue #15 §4): requests handed over and not settled, the sum of their arrival
  // times (their mean age in O(1)), their records, and recent publish times.
  const unsettled = new Set<Request>();
  let unsettledAtSum = 0;
  let inFlightRecords = 0;
  const publishTimes = recentSamples();

  const settle = (r: Request, err?: unknown) => {
    if (r.phase === 'settled') return;
    r.phase = 'settled';
    clearTimeout(r.timer);
    if (unsettled.delete(r)) {
      unsettledAtSum -= r.at;
      inFlightRecords -= r.messages.length;
      publishTimes.add(performance.now() - r.at);
    }
    if (err === undefined) r.resolve();
    else r.reject(err);
  };
  const unavailable = (message: string, cause?: unknown) =>
    cause instanceof AirlockError && cause.code === 'KAFKA_UNAVAILABLE'
      ? cause
      : new AirlockError('KAFKA_UNAVAILABLE', message, cause === undefined ? {} : { cause });

  const onDeadline = (r: Request) => {
    if (r.phase === 'queued') {
      queue = queue.filter((q) => q !== r);
      settle(r, unavailable(`not published within ${opts.timeoutMs} ms`));
    } else if (r.phase === 'sending') {
      // Its transaction has not begun to commit, and now never will: answered 503 now.
      r.expired = true;
      settle(r, unavailable(`not committed within ${opts.timeoutMs} ms`));
    }
    // committing: the outcome is the broker's; the request waits for it.
  };

  const take = (): Request[] => {
    const batch: Request[] = [];
    let records = 0;
    let bytes = 0;
    const maxBytes = opts.maxBatchBytes?.() ?? Number.POSITIVE_INFINITY;
    while (queue.length > 0) {
      const next = queue[0] as Request;
      if (
        batch.length > 0 &&
        (records + next.messages.length > opts.maxBatchRecords || bytes + next.bytes > maxBytes)
      )
        break;
      batch.push(next);
      records += next.messages.length;
      bytes += next.bytes;
      queue.shift();
    }
    return batch;
  };

  /**
   * A batch is due once its oldest request has lingered `lingerMs` (measured from its arrival, so
   * a request that waited for a free slot does not linger again), or the queue holds a full batch.
   */
  const ready = () => {
    const first = queue[0];
    if (!first) return false;
    return (
      flushing ||
      performance.now() - first.at >= opts.lingerMs ||
      queue.reduce((n, r) => n + r.messages.length, 0) >= opts.maxBatchRecords
    );
  };
  const pump = () => {
    clearTimeout(lingering);
    lingering = undefined;
    while (ready()) {
      // The idle slot that rested longest: its last commit's markers are most likely written, so
      // its next transaction does not meet CONCURRENT_TRANSACTIONS (~25 ms of retry).
      let slot: Slot | undefined;
      for (const s of slots) if (!s.busy && (!slot || s.endedAt < slot.endedAt)) slot = s;
      if (!slot) return; // a slot that frees up pumps again
      void run(slot, take());
    }
    const first = queue[0];
    if (first) lingering = setTimeout(pump, Math.max(0, opts.lingerMs - (performance.now() - first.at)));
  };

  /**
   * After a commit that got no answer: fence (the slot's next producer, which completes or aborts
   * the transaction), then read back. The broker may be restarting, so both are retried with
   * backoff until `untilMs`.
   */
  const learnOutcome = async (
    slot: Slot,
    written: RecordMetadata[],
    ids: ReadonlySet<string>,
    untilMs: number,
  ): Promise<boolean> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await slot.producer();
        return await committed(kafka, topic, written, ids, Math.max(1000, untilMs - Date.now()));
      } catch (err) {
        slot.replace();
        if (Date.now() >= untilMs) throw err;
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
  };

  /**
   * The batch's requests get their answer from the outcome if it is learned within the resolve
   * timeout; else OutcomeUnknownError at once, while the search goes on for ten times as long in
   * the background (the slot stays busy meanwhile) and settles `eventually`.
   */
  const resolveUnanswered = async (
    slot: Slot,
    batch: Request[],
    written: RecordMetadata[],
    cause: unknown,
  ) => {
    logger.warn(
      { err: cause, transactionalId: slot.transactionalId },
      'commit unanswered; reading the outcome back',
    );
    const ids = new Set(batch.flatMap((r) => r.traceIds));
    const started = Date.now();
    const outcome = learnOutcome(slot, written, ids, started + 10 * opts.resolveTimeoutMs);
    const answered = (ok: boolean) => {
      logger.warn({ committed: ok, records: ids.size }, 'outcome of an unanswered commit read back');
      opts.onOutcome?.(ok ? 'read-back-committed' : 'read-back-aborted');
    };
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      outcome.then((ok) => ({ ok })),
      new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), opts.resolveTimeoutMs);
      }),
    ]).catch(() => undefined);
    clearTimeout(timer);
    if (inTime) {
      answered(inTime.ok);
      for (const r of batch)
        settle(r, inTime.ok ? undefined : unavailable('the transaction was not committed', cause));
      return;
    }
    opts.onOutcome?.('unknown');
    logger.error(
      { traceIds: [...ids] },
      'outcome of a commit not known in time; answering nothing, still looking',
    );
    const unknown = new OutcomeUnknownError('outcome unknown', outcome, { cause });
    for (const r of batch) settle(r, unknown);
    await outcome.then(answered, (err: unknown) =>
      logger.error({ err, traceIds: [...ids] }, 'outcome of a commit never learned'),
    );
  };

  const run = async (slot: Slot, batch: Request[]) => {
    slot.busy = true;
    for (const r of batch) r.phase = 'sending';
    let commitBegan = false;
    let ran = false;
    const written: RecordMetadata[] = [];
    try {
      await breaker.run(async () => {
        ran = true;
        const producer = await slot.producer();
        const tx = await producer.transaction();
        try {
          // One produce per partition (a kafkajs retry across partitions could duplicate records:
          // core/kafka/partitions.ts), each in batches the topic takes.
          const all = batch.flatMap((r) => r.messages);
          const groups = place
            ? await place(all.map((message) => ({ topic, message })))
            : [[topic, all] as const];
          const max = opts.maxBatchBytes?.() ?? Number.POSITIVE_INFINITY;
          for (const [, messages] of groups)
            for (const run of chunksOf(messages, messages.map(messageBytes), max))
              written.push(...(await tx.sendBatch({ acks: -1, topicMessages: [{ topic, messages: run }] })));
        } catch (err) {
          await tx.abort().catch(() => undefined);
          throw err;
        }
        if (batch.some((r) => r.expired)) {
          // A request of this batch was answered 503: nothing of the batch may become visible.
          await tx.abort();
          opts.onOutcome?.('aborted');
          const live = batch.filter((r) => r.phase === 'sending');
          for (const r of live) r.phase = 'queued';
          queue = [...live, ...queue];
          return;
        }
        for (const r of batch) r.phase = 'committing';
        commitBegan = true;
        await tx.commit();
        opts.onOutcome?.('committed');
        for (const r of batch) settle(r);
      });
    } catch (err) {
      // Any failure inside a transaction: the next one gets a new producer (a new epoch).
      if (ran) slot.replace();
      if (!commitBegan || commitRefused(err)) {
        logger.warn({ err, records: written.length, commitBegan }, 'transaction failed; nothing published');
        opts.onOutcome?.('aborted');
        for (const r of batch) settle(r, unavailable('the broker did not accept the records', err));
      } else {
        await resolveUnanswered(slot, batch, written, err);
      }
    } finally {
      slot.busy = false;
      slot.endedAt = performance.now();
      pump();
    }
  };

  return {
    async connect() {
      // Every slot initialised now: a predecessor with the same ids is fenced before we answer.
      await Promise.all(slots.map((s) => s.producer()));
    },
    async disconnect() {
      closing = true;
      flushing = true;
      pump();
      // What was accepted is sent (each request still within its deadline); then the slots close.
      while (slots.some((s) => s.busy) || queue.length > 0) await new Promise((r) => setTimeout(r, 10));
      for (const r of queue) settle(r, unavailable('the ingress is shutting down'));
      await Promise.all(slots.map((s) => s.close()));
    },
    publish(records) {
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const sizes = records.map(messageBytes);
        const r: Request = {
          at: performance.now(),
          messages: records.map((x) => ({ key: x.key, value: x.value, headers: x.headers })),
          sizes,
          bytes: sizes.reduce((a, b) => a + b, 0),
          traceIds: records.map((x) => String(x.headers[Header.traceId] ?? '')),
          phase: 'queued',
          expired: false,
          timer: undefined,
          resolve,
          reject,
        };
        if (closing) {
          reject(unavailable('the ingress is shutting down'));
          return;
        }
        r.timer = setTimeout(() => onDeadline(r), opts.timeoutMs);
        unsettled.add(r);
        unsettledAtSum += r.at;
        inFlightRecords += r.messages.length;
        queue.push(r);
        pump();
      });
    },
    pressure() {
      // Settled requests count with their publish time, unsettled ones with their age so far.
      const { sum, count } = publishTimes.totals();
      const n = unsettled.size;
      const ages = n * performance.now() - unsettledAtSum;
      return {
        inFlightRecords,
        publishMs: n + count === 0 ? 0 : (sum + ages) / (n + count),
        breaker: breaker.state,
      };
    },
  };
}
