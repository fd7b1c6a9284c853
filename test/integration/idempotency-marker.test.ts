/**
 * The in-flight marker of an Idempotency-Key in the real Redis (issue #11): a live attempt extends
 * it; a stored answer is never shortened by a late extension; an expired marker frees the key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRedisStore } from '../../core/store/redis.ts';
import type { StateStore } from '../../core/store/store.ts';
import { uid } from '../support/kafka.ts';
import { services } from '../support/services.ts';

describe('Idempotency-Key markers in the real Redis', () => {
  let store: StateStore;
  before(async () => {
    store = createRedisStore((await services()).redisUrl, 2000, `test-${uid()}`);
    await store.connect();
  });
  after(async () => {
    await store?.close();
  });

  it('an extended marker outlives its first TTL; an unextended one frees the key', async () => {
    const [kept, left] = [`kept-${uid()}`, `left-${uid()}`];
    assert.deepEqual(await store.beginIdempotent('s', kept, 'h', 600), { state: 'new' });
    assert.deepEqual(await store.beginIdempotent('s', left, 'h', 600), { state: 'new' });
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 300));
      await store.extendIdempotent('s', kept, 600);
    }
    assert.deepEqual(await store.beginIdempotent('s', kept, 'h', 600), { state: 'in-flight' });
    assert.deepEqual(
      await store.beginIdempotent('s', left, 'h', 600),
      { state: 'new' },
      'expired: claimed anew',
    );
  });

  it('a late extension does not shorten a stored answer', async () => {
    const key = `done-${uid()}`;
    await store.beginIdempotent('s', key, 'h', 600);
    await store.completeIdempotent('s', key, 'h', { status: 202, body: { trace_id: 't' } }, 60_000);
    await store.extendIdempotent('s', key, 100);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await store.beginIdempotent('s', key, 'h', 600), {
      state: 'done',
      answer: { status: 202, body: { trace_id: 't' } },
    });
  });
});
