/**
 * When a commit got no answer (the broker died or froze after EndTxn was sent), nobody knows
 * whether the transaction committed. The ingress must not guess: a 202 for an aborted transaction
 * loses a record, a 503 for a committed one publishes a record the sender was told was refused.
 * So it finds out: once the slot's new producer has initialised the transactional id (which
 * completes a commit the coordinator had accepted, or aborts the transaction), it reads the
 * partitions it wrote to with read_committed from the offsets the broker gave the batch, up to their
 * end, and looks for the batch's trace ids. Committed transactions are all or nothing: one trace
 * id seen means all committed. Rare (a broker fault during the few milliseconds of a commit), so a
 * consumer group of its own is an acceptable cost.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, RecordMetadata } from 'kafkajs';
import { Header } from '../../core/headers.ts';
import { caughtUp, partitionKey } from '../../core/kafka/catch-up.ts';

/**
 * The outcome was not learned in time for an answer. The search goes on in the background:
 * `eventually` resolves true (committed) or false (not) once it is learned, and rejects if it never
 * is; whoever holds the request's Idempotency-Key settles the key by it (ingress/records-route.ts).
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  readonly eventually: Promise<boolean>;
  constructor(message: string, eventually: Promise<boolean>, options?: ErrorOptions) {
    super(message, options);
    this.eventually = eventually;
    // Nobody may be listening (a request without a key): never an unhandled rejection.
    eventually.catch(() => undefined);
  }
}

/** Thrown by `committed` when the read-back did not finish: one attempt failed, try again. */
export class ReadBackError extends Error {
  override readonly name = 'ReadBackError';
}

/** True when the transaction that wrote `written` (and the trace ids in it) committed. */
export async function committed(
  kafka: Kafka,
  topic: string,
  written: readonly RecordMetadata[],
  traceIds: ReadonlySet<string>,
  timeoutMs: number,
): Promise<boolean> {
  const admin = kafka.admin();
  const consumer = kafka.consumer({
    groupId: `airlock-ingress-outcome-${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 200,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await admin.connect();
    const ends = new Map<string, bigint>();
    for (const o of await admin.fetchTopicOffsets(topic)) {
      if (written.some((w) => w.partition === o.partition))
        ends.set(partitionKey(topic, o.partition), BigInt(o.high));
    }
    let seen = false;
    const done = caughtUp(consumer, ends);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const id = message.headers?.[Header.traceId]?.toString();
        if (id !== undefined && traceIds.has(id)) seen = true;
      },
    });
    for (const w of written) {
      consumer.seek({ topic, partition: w.partition, offset: String(w.baseOffset ?? w.offset ?? '0') });
    }
    await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ReadBackError(`could not read ${topic} back within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return seen;
  } catch (err) {
    throw err instanceof ReadBackError
      ? err
      : new ReadBackError('could not read the ingress topic back', { cause: err });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
