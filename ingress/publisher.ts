/**
 * Publishes accepted records to the ingress topic through one idempotent producer with acks=all.
 * `publish` resolves only once the broker has acknowledged the record: that is what a 202 promises.
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { AirlockError } from '../core/errors.ts';
import type { HeaderMap } from '../core/headers.ts';
import type { Logger } from '../core/logger.ts';

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
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async publish(record) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new AirlockError('KAFKA_UNAVAILABLE', `no acknowledgement within ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
      });
      try {
        await Promise.race([producer.send({ topic: opts.topic, acks: -1, messages: [record] }), timeout]);
      } catch (cause) {
        if (cause instanceof AirlockError) throw cause;
        throw new AirlockError('KAFKA_UNAVAILABLE', 'the broker did not accept the record', { cause });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
