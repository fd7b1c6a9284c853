import { Kafka, type LogEntry, type logCreator, logLevel } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { EXPECTED_RETRY_MESSAGES } from './errors.ts';
import { assertReadCommittedSafe } from './read-committed.ts';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The expected, retried condition a kafkajs log entry reports, if any: named in its `error`, or at
 * the end of its message ("Failed to send messages: <the broker's message>", logged at error level
 * by the producer's retrier under plain load).
 */
export function expectedRetry(error: string, message: string): string | undefined {
  const named = EXPECTED_RETRY_MESSAGES.get(error);
  if (named) return named;
  for (const [text, type] of EXPECTED_RETRY_MESSAGES) if (message.endsWith(text)) return type;
  return undefined;
}

/** kafkajs logs through the stage's pino logger, one child per kafkajs namespace. */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const expected = expectedRetry(String(extra.error), String(message));
      if (expected) logger.debug({ kafkajs: namespace, type: expected, ...extra }, message);
      else logger[LEVELS[level] ?? 'info']({ kafkajs: namespace, ...extra }, message);
    };
}

/**
 * Retries of a transactional producer. A transaction started right after the previous commit meets
 * CONCURRENT_TRANSACTIONS until the broker has written that commit's markers (a few ms); kafkajs
 * retries it like any error, first after its default 300 ms, which cost every back-to-back
 * transaction of a busy partition about that much. The Java client retries this case after 20 ms
 * (KAFKA-5477); so do we, doubling from there: 8 retries, 25 ms … 3.2 s, about 6 s in all (kafkajs's
 * default gave up after about 9 s). Longer outages are the transform loop's: it aborts, backs off
 * and waits behind its circuit breaker.
 */
export const TRANSACTIONAL_RETRY = { initialRetryTime: 25, maxRetryTime: 5_000, retries: 8, multiplier: 2 };

export function createKafka(config: Config, logger: Logger, clientSuffix: string): Kafka {
  assertReadCommittedSafe();
  return new Kafka({
    clientId: `${config.kafka.clientId}-${clientSuffix}`,
    // load.ts requires brokers of every process but the edge station, which has no Kafka client.
    brokers: [...(config.kafka.brokers ?? [])],
    connectionTimeout: config.kafka.connectionTimeoutMs,
    requestTimeout: config.kafka.requestTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
  });
}
