import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AirlockError } from '../../core/errors.ts';
import { CircuitBreaker } from '../../ingress/circuit-breaker.ts';

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
