import { type Logger, pino } from 'pino';
import type { Config } from './config/schema.ts';

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

/** JSON lines on stdout (fd 1) for the stages; a command-line tool logs on stderr (fd 2). */
export function createLogger(config: Pick<Config, 'log'>, stage: string, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level: config.log.level,
      base: { stage },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd, sync: true }),
  );
}
