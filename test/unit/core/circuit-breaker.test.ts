import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../../core/circuit-breaker.ts';
import { backoffMs } from '../../../core/consumer/retry.ts';
import { AirlockError } from '../../../core/errors.ts';
import { errorTypes, kindOfType } from '../../../core/kafka/errors.ts';

describe('publish circuit breaker', () => {
  const setup = () => {
    let t = 0;
    const b = new CircuitBreaker({
      threshold: 3,
      baseMs: 1000,
      maxMs: 30_000,
      now: () => t,
      random: () => 1,
    });
    return { b, advance: (ms: number) => (t += ms) };
  };
  const fail = () => Promise.reject(new Error('broker down'));
  const ok = () => Promise.resolve('ok');

  it('opens after the threshold of consecutive failures and then answers 503 at once', async () => {
    const { b } = setup();
    for (let i = 0; i < 3; i++) await assert.rejects(b.run(fail), /broker down/);
    assert.equal(b.state, 'open');
    let called = false;
    await assert.rejects(
      b.run(async () => {
        called = true;
      }),
      (err: unknown) =>
        err instanceof AirlockError && err.code === 'KAFKA_UNAVAILABLE' && err.retryAfterSeconds === 1,
    );
    assert.equal(called, false, 'an open breaker does not touch the broker');
  });

  it('half-opens after the backoff, lets one probe through, closes on success', async () => {
    const { b, advance } = setup();
    for (let i = 0; i < 3; i++) await assert.rejects(b.run(fail));
    advance(1000);
    assert.equal(b.state, 'half-open');
    assert.equal(await b.run(ok), 'ok');
    assert.equal(b.state, 'closed');
  });

  it('a failed probe re-opens with a longer backoff (exponential, capped)', async () => {
    const { b, advance } = setup();
    for (let i = 0; i < 3; i++) await assert.rejects(b.run(fail));
    advance(1000);
    await assert.rejects(b.run(fail));
    assert.equal(b.state, 'open');
    advance(1500);
    assert.equal(b.state, 'open', 'second backoff is 2 s');
    advance(500);
    assert.equal(b.state, 'half-open');
  });

  it('successes reset the failure count', async () => {
    const { b } = setup();
    await assert.rejects(b.run(fail));
    await assert.rejects(b.run(fail));
    await b.run(ok);
    await assert.rejects(b.run(fail));
    assert.equal(b.state, 'closed');
  });
});

describe('consumer stages: waiting out a destination', () => {
  it('waitMs: 0 while closed, the time left while open, 0 for the probe once half-open', async () => {
    let t = 0;
    const b = new CircuitBreaker({
      threshold: 2,
      baseMs: 1000,
      maxMs: 30_000,
      now: () => t,
      random: () => 1,
    });
    assert.equal(b.waitMs, 0);
    for (let i = 0; i < 2; i++) await assert.rejects(b.run(() => Promise.reject(new Error('down'))));
    assert.equal(b.waitMs, 1000);
    t += 400;
    assert.equal(b.waitMs, 600);
    t += 600;
    assert.equal(b.waitMs, 0, 'half-open: the next call is the probe');
  });

  it('backoff: exponential with full jitter, capped, never below 100 ms', () => {
    assert.equal(
      backoffMs(0, () => 1),
      200,
    );
    assert.equal(
      backoffMs(3, () => 1),
      1600,
    );
    assert.equal(
      backoffMs(30, () => 1),
      30_000,
    );
    assert.equal(
      backoffMs(5, () => 0),
      100,
    );
    assert.equal(
      backoffMs(5, () => 0.5),
      3200,
    );
  });

  it('error types are found however deep kafkajs nests them', () => {
    const inner = Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE' });
    const retries = Object.assign(new Error('retries exceeded'), { cause: inner, originalError: inner });
    const aggregate = Object.assign(new Error('aggregate'), {
      errors: [retries, Object.assign(new Error('x'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' })],
    });
    assert.deepEqual(errorTypes(aggregate).sort(), ['MESSAGE_TOO_LARGE', 'UNKNOWN_TOPIC_OR_PARTITION']);
    assert.equal(kindOfType('MESSAGE_TOO_LARGE'), 'refused');
    assert.equal(kindOfType('UNKNOWN_TOPIC_OR_PARTITION'), 'transient', 'a missing topic is waited out');
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    assert.deepEqual(errorTypes(loop), []);
    assert.deepEqual(errorTypes('not an error'), []);
  });
});
