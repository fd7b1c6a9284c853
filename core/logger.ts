import { type Logger, pino } from 'pino';
import type { Config } from './config.ts';

export type { Logger } from 'pino';

/**
 * Paths that never reach a log line: credentials, tokens, the maintenance context (it carries the
 * technician badge hash) and connection strings that may embed a password.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-maintenance-context"]',
  'req.headers.cookie',
  'headers.authorization',
  'config.redis.url',
  'redis.url',
  '*.password',
  '*.sasl',
  '*.token',
];

export function createLogger(config: Pick<Config, 'log'>, stage: string): Logger {
  return pino({
    level: config.log.level,
    base: { stage },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
