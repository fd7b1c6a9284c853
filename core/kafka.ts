import { Kafka, type LogEntry, type logCreator, logLevel } from 'kafkajs';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through the stage's pino logger, one child per kafkajs namespace. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      logger[LEVELS[level] ?? 'info']({ kafkajs: namespace, ...extra }, message);
    };
}

export function createKafka(config: Config, logger: Logger, clientSuffix: string): Kafka {
  return new Kafka({
    clientId: `${config.kafka.clientId}-${clientSuffix}`,
    brokers: [...config.kafka.brokers],
    connectionTimeout: config.kafka.connectionTimeoutMs,
    requestTimeout: config.kafka.requestTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
  });
}
