/**
 * Publishes accepted records to the ingress topic through one idempotent producer with acks=all.
 * `publish` resolves only once the broker has acknowledged the record: that is what a 202 promises.
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { AirlockError } from '../core/errors.ts';
import type { HeaderMap } from '../core/headers.ts';
import type { Logger } from '../core/logger.ts';
import { CircuitBreaker } from './circuit-breaker.ts';

export interface OutgoingRecord {
  key: string;
  value: string;
  headers: HeaderMap;
}

export interface Publisher {
  connect(): Promise<void>;
  publish(record: OutgoingRecord): Promise<void>;
  disconnect(): Promise<void>;
}

interface Pending {
  record: OutgoingRecord;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * kafkajs sends what it is given: it does not batch concurrent sends by itself. Records from
 * concurrent requests are collected for `lingerMs` (or until `maxBatchRecords`) and sent in one
 * produce request; every caller is answered when that request is acknowledged (acks=all).
 */
export function createKafkaPublisher(opts: {
  kafka: Kafka;
  topic: string;
  timeoutMs: number;
  lingerMs: number;
  maxBatchRecords: number;
  logger: Logger;
}): Publisher {
  // The Java client's partitioner (murmur2 of the key), so an aircraft's records land on the same
  // partition whichever client wrote them.
  const producer: Producer = opts.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  // Each produce request goes through the breaker: a down broker is answered 503 at once.
  const breaker = new CircuitBreaker({ threshold: 3, baseMs: 1000, maxMs: 30_000 });
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;

  // kafkajs's idempotent producer retries without end while the broker is away; an acknowledgement
  // that does not come within the publish timeout counts as a failure for the breaker.
  const ackedWithin = <T>(send: Promise<T>): Promise<T> => {
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      deadline = setTimeout(
        () => reject(new AirlockError('KAFKA_UNAVAILABLE', `no acknowledgement within ${opts.timeoutMs} ms`)),
        opts.timeoutMs,
      );
    });
    return Promise.race([send, late]).finally(() => clearTimeout(deadline));
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    breaker
      .run(() =>
        ackedWithin(producer.send({ topic: opts.topic, acks: -1, messages: batch.map((p) => p.record) })),
      )
      .then(
        () => {
          for (const p of batch) p.resolve();
        },
        (cause: unknown) => {
          opts.logger.warn({ err: cause, records: batch.length }, 'produce failed');
          const err =
            cause instanceof AirlockError
              ? cause
              : new AirlockError('KAFKA_UNAVAILABLE', 'the broker did not accept the record', { cause });
          for (const p of batch) p.reject(err);
        },
      );
  };

  return {
    connect: () => producer.connect(),
    async disconnect() {
      flush();
      await producer.disconnect();
    },
    publish(record) {
      return new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(
          () =>
            reject(new AirlockError('KAFKA_UNAVAILABLE', `no acknowledgement within ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
        queue.push({
          record,
          resolve: () => {
            clearTimeout(deadline);
            resolve();
          },
          reject: (err) => {
            clearTimeout(deadline);
            reject(err);
          },
        });
        if (queue.length >= opts.maxBatchRecords) flush();
        else timer ??= setTimeout(flush, opts.lingerMs);
      });
    },
  };
}
