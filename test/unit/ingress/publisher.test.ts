/**
 * The ingress publisher with a real kafkajs client whose broker cannot be reached: every publish
 * is refused with KAFKA_UNAVAILABLE (a 503 at the edge, never a 202), and after three failed
 * produce requests the circuit opens and answers at once with a Retry-After.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { AirlockError } from '../../../core/errors.ts';
import { commitRefused, createKafkaPublisher } from '../../../ingress/publisher.ts';

/** A publisher with a real kafkajs client whose broker (port 1) cannot be reached. */
function unreachablePublisher(id: string, producers: number) {
  const kafka = new Kafka({
    clientId: id,
    brokers: ['127.0.0.1:1'],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 200,
    retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
  });
  return createKafkaPublisher({
    kafka,
    topic: 'never-written',
    timeoutMs: 1000,
    lingerMs: 0,
    maxBatchRecords: 10,
    transactionalId: id,
    producers,
    transactionTimeoutMs: 10_000,
    resolveTimeoutMs: 1000,
    logger: pino({ level: 'silent' }),
  });
}

describe('publisher against an unreachable broker (real kafkajs client)', () => {
  it('refuses with KAFKA_UNAVAILABLE, then fails fast once the circuit is open', async () => {
    const publisher = unreachablePublisher('publisher-test', 2);
    const record = { key: 'D-AIBL', value: '{}', headers: {} };
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        publisher.publish([record]),
        (err: unknown) => err instanceof AirlockError && err.code === 'KAFKA_UNAVAILABLE',
      );
    }
    const started = Date.now();
    await assert.rejects(
      publisher.publish([record]),
      (err: unknown) =>
        err instanceof AirlockError &&
        err.code === 'KAFKA_UNAVAILABLE' &&
        (err.retryAfterSeconds ?? 0) >= 1 &&
        /circuit open/.test(err.message),
    );
    assert.ok(Date.now() - started < 200, 'an open circuit answers at once');
    await publisher.disconnect().catch(() => undefined);
  });
});

describe('which failed commits are known not to have committed', () => {
  const protocol = (type: string) => Object.assign(new Error(type), { type });
  it('a commit the coordinator refused with an unambiguous error: nothing visible, 503', () => {
    assert.equal(commitRefused(protocol('INVALID_PRODUCER_EPOCH')), true);
    assert.equal(commitRefused(protocol('INVALID_TXN_STATE')), true);
    assert.equal(commitRefused(protocol('NOT_COORDINATOR')), true);
  });
  it('no answer, or one that does not prove a refusal: the outcome must be read back', () => {
    assert.equal(commitRefused(new Error('Connection error: ECONNREFUSED')), false);
    assert.equal(
      commitRefused(Object.assign(new Error('timeout'), { name: 'KafkaJSRequestTimeoutError' })),
      false,
    );
    assert.equal(commitRefused(protocol('CONCURRENT_TRANSACTIONS')), false);
    assert.equal(commitRefused(protocol('REQUEST_TIMED_OUT')), false);
  });
});

describe('the pressure the publisher reports, for load shedding (real kafkajs client, unreachable broker)', () => {
  it('counts unsettled records and their age, back to none once refused; the breaker opens', async () => {
    const publisher = unreachablePublisher('pressure-test', 1);
    const record = { key: 'D-AIBL', value: '{}', headers: {} };
    assert.deepEqual(publisher.pressure?.(), { inFlightRecords: 0, publishMs: 0, breaker: 'closed' });
    for (let i = 0; i < 3; i++) {
      const pending = publisher.publish([record, record]);
      // The event loop held, so that the refusal cannot settle it meanwhile: the request ages.
      const until = performance.now() + 30;
      while (performance.now() < until);
      const during = publisher.pressure?.();
      assert.equal(during?.inFlightRecords, 2);
      assert.ok(
        (during?.publishMs ?? 0) >= 30,
        `a waiting request counts with its age: ${during?.publishMs}`,
      );
      await assert.rejects(pending, AirlockError);
      assert.equal(publisher.pressure?.().inFlightRecords, 0);
    }
    const after = publisher.pressure?.();
    assert.equal(after?.breaker, 'open');
    assert.ok((after?.publishMs ?? 0) >= 30, 'the mean publish time of the last second');
    await publisher.disconnect().catch(() => undefined);
  });
});
