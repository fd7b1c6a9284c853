/** Produce batches within the topic limit (issue #12 §14; the transform loop's outputs, #11). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunksOf, messageBytes } from '../../../../core/kafka/batches.ts';

describe('produce batches within the topic limit (issue #12 §14)', () => {
  it('splits records into consecutive runs of at most the limit, a larger record alone', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    assert.deepEqual(chunksOf(items, [4, 4, 4, 20, 1], 10), [['a', 'b'], ['c'], ['d'], ['e']]);
    assert.deepEqual(chunksOf(items, [1, 1, 1, 1, 1], Number.POSITIVE_INFINITY), [items]);
    assert.deepEqual(chunksOf([], [], 10), []);
  });

  it('over-estimates a record: UTF-8 bytes of key, value and headers, plus framing', () => {
    const m = { key: 'k', value: 'é', headers: { 'airlock-trace-id': 'x' } };
    assert.ok(messageBytes(m) >= 1 + 2 + 16 + 1);
    assert.ok(messageBytes({ ...m, value: 'é'.repeat(1000) }) - messageBytes(m) === 1998);
  });

  it('counts Buffer keys, values and headers, and every value of a repeated header', () => {
    const m = { key: Buffer.from('kk'), value: Buffer.alloc(100), headers: { h: [Buffer.alloc(10), 'abc'] } };
    assert.equal(messageBytes(m), 32 + 2 + 100 + (10 + 1 + 10) + (10 + 1 + 3));
    assert.equal(messageBytes({ key: null, value: null }), 32);
  });
});
