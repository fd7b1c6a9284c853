/**
 * The ingress's transactional producers: a few slots, each one kafkajs producer with its own
 * transactional id (`<instance id>-<slot>`), each running one transaction at a time. Several slots
 * let a transaction begin while the previous one's commit markers are still being written
 * (back-to-back transactions on one id meet CONCURRENT_TRANSACTIONS and wait ~25 ms, kafkajs's
 * retry; KAFKA-5477).
 *
 * A slot's producer is replaced after any failure. A new producer initialises the same
 * transactional id, which bumps the epoch: the old producer is fenced, its open transaction aborted
 * (or a commit it sent completed), and sequence numbers start afresh — kafkajs's idempotent
 * producer can otherwise keep sending with sequences the broker already saw after an
 * OUT_OF_ORDER_SEQUENCE_NUMBER, and a batch the broker takes for a duplicate is acknowledged
 * without being written (kafkajs issue #598; the 202 lost in issue #11).
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { TRANSACTIONAL_RETRY } from '../../core/kafka/client.ts';
import type { Logger } from '../../core/logger.ts';

export interface Slot {
  readonly transactionalId: string;
  busy: boolean;
  /** When its last transaction ended (performance.now()): the slot that rested longest goes next. */
  endedAt: number;
  /** The slot's producer, connected and initialised (fencing any predecessor with its id). */
  producer(): Promise<Producer>;
  /** Drops the producer after a failure; the next use makes a new one (a new epoch). */
  replace(): void;
  close(): Promise<void>;
}

export function createSlots(opts: {
  kafka: Kafka;
  logger: Logger;
  /** This instance's transactional id; the slots are `<id>-0`, `<id>-1`, … */
  transactionalId: string;
  count: number;
  transactionTimeoutMs: number;
}): Slot[] {
  return Array.from({ length: opts.count }, (_, i) => {
    const transactionalId = `${opts.transactionalId}-${i}`;
    let current: Promise<Producer> | undefined;
    const make = async (): Promise<Producer> => {
      const producer = opts.kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: opts.transactionTimeoutMs,
        // The Java client's partitioner (murmur2 of the key): a key lands on the same partition
        // whichever client wrote it.
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: TRANSACTIONAL_RETRY,
        allowAutoTopicCreation: false,
      });
      try {
        await producer.connect();
        // kafkajs initialises the transactional id at the first transaction, not at connect: an
        // empty transaction does it now, so a predecessor is fenced before any record is sent.
        const init = await producer.transaction();
        await init.abort();
        return producer;
      } catch (err) {
        await producer.disconnect().catch(() => undefined);
        throw err;
      }
    };
    const slot: Slot = {
      transactionalId,
      busy: false,
      endedAt: 0,
      producer() {
        if (!current) {
          const p = make();
          current = p;
          p.catch(() => {
            if (current === p) current = undefined;
          });
        }
        return current;
      },
      replace() {
        const old = current;
        current = undefined;
        void old?.then((p) => p.disconnect()).catch(() => undefined);
        opts.logger.debug({ transactionalId }, 'transactional producer replaced');
      },
      async close() {
        const old = current;
        current = undefined;
        await old?.then((p) => p.disconnect()).catch(() => undefined);
      },
    };
    return slot;
  });
}
