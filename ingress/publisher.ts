/**
 * Publishes accepted records to the ingress topic through one idempotent producer with acks=all.
 * `publish` resolves only once the broker has acknowledged the record: that is what a 202 promises.
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { CircuitBreaker } from '../core/circuit-breaker.ts';
import { AirlockError } from '../core/errors.ts';
import type { HeaderMap } from '../core/headers.ts';
import type { Logger } from '../core/logger.ts';
import { createMicroBatcher } from './micro-batch.ts';

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
  // A record waits at most lingerMs for its batch, then the batch at most timeoutMs for its ack.
  const batcher = createMicroBatcher<OutgoingRecord>({
    lingerMs: opts.lingerMs,
    maxItems: opts.maxBatchRecords,
    send: (records) =>
      breaker
        .run(() => ackedWithin(producer.send({ topic: opts.topic, acks: -1, messages: records })))
        .catch((cause: unknown) => {
          opts.logger.warn({ err: cause, records: records.length }, 'produce failed');
          throw cause instanceof AirlockError
            ? cause
            : new AirlockError('KAFKA_UNAVAILABLE', 'the broker did not accept the record', { cause });
        }),
  });

  return {
    connect: () => producer.connect(),
    async disconnect() {
      batcher.flush();
      await producer.disconnect();
    },
    publish: (record) => batcher.add(record),
  };
}
