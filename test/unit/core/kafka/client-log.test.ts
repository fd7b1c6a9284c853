/**
 * kafkajs's log entries through the stage's logger: an expected, retried CONCURRENT_TRANSACTIONS
 * is debug, not error (issue #11: under load the validators' logs filled with it), whether kafkajs
 * names it in `error` or only at the end of its message; anything else keeps its level.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { pinoLogCreator } from '../../../../core/kafka/client.ts';

const CONCURRENT =
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';

function levelsOf(entries: { level: number; log: Record<string, unknown> }[]) {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const log = pinoLogCreator(logger)(logLevel.DEBUG);
  for (const e of entries)
    log({
      namespace: 'Producer',
      level: e.level,
      label: 'ERROR',
      log: { timestamp: '', message: '', ...e.log },
    } as never);
  return lines.map((l) => l.level);
}

describe('kafkajs log entries', () => {
  it('CONCURRENT_TRANSACTIONS retried by the producer is debug, named in error or in the message', () => {
    assert.deepEqual(
      levelsOf([
        { level: logLevel.ERROR, log: { message: `Failed to send messages: ${CONCURRENT}`, retryCount: 0 } },
        { level: logLevel.ERROR, log: { message: 'Response AddPartitionsToTxn', error: CONCURRENT } },
      ]),
      [20, 20],
    );
  });
  it('any other error stays an error; a warning a warning', () => {
    assert.deepEqual(
      levelsOf([
        { level: logLevel.ERROR, log: { message: 'Failed to send messages: The broker is not available' } },
        { level: logLevel.WARN, log: { message: `${CONCURRENT} is not at the end here, then more` } },
      ]),
      [50, 40],
    );
  });
});
