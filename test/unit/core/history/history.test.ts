/**
 * core/history without a broker: the staging of a batch over a partition's committed state, and
 * the bookkeeping of what is held. The restore itself reads real changelogs and is tested against
 * the real broker (test/integration/validators-history.test.ts); here every changelog is empty.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import { pino } from 'pino';
import { createHistory, historyTopic } from '../../../../core/history/history.ts';

/** A client whose admin reports every changelog empty (3 partitions), counting the restores. */
function emptyChangelogs() {
  const calls = { restores: 0 };
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicOffsets: async () => {
        calls.restores++;
        return [0, 1, 2].map((partition) => ({ partition, offset: '0', high: '0', low: '0' }));
      },
    }),
  } as unknown as Kafka;
  const history = createHistory({
    kafka,
    logger: pino({ level: 'silent' }),
    stores: ['parts', 'crs'],
    topicPrefix: 't.history.',
    groupPrefix: 'g-',
  });
  return { history, calls };
}

describe('core/history: a batch staged over the committed state', () => {
  it('a record reads the puts of the records before it; the committed state takes them only once applied', async () => {
    const { history } = emptyChangelogs();
    await history.ensure(1);
    const batch = history.begin(1);
    const out = batch.put('parts', 'PN|SN1', { installed_on: 'D-AIBL' });
    assert.deepEqual(out, {
      topic: historyTopic('t.history.', 'parts'),
      message: { key: 'PN|SN1', value: Buffer.from('{"installed_on":"D-AIBL"}'), partition: 1 },
    });
    assert.deepEqual(batch.get('parts', 'PN|SN1'), { installed_on: 'D-AIBL' });
    assert.equal(history.begin(1).get('parts', 'PN|SN1'), undefined, 'another batch does not see it');
    history.applied(batch);
    assert.deepEqual(history.begin(1).get('parts', 'PN|SN1'), { installed_on: 'D-AIBL' });
  });

  it('null deletes a key: a tombstone in the changelog', async () => {
    const { history } = emptyChangelogs();
    await history.ensure(0);
    const first = history.begin(0);
    first.put('crs', 'D-AIBL|CRS-1', { trace_id: 't1' });
    history.applied(first);
    const second = history.begin(0);
    assert.equal(second.put('crs', 'D-AIBL|CRS-1', null).message.value, null);
    assert.equal(second.get('crs', 'D-AIBL|CRS-1'), undefined);
    history.applied(second);
    assert.equal(history.entries(0)?.crs?.size, 0);
  });

  it('restores a partition once, again after invalidate(); drops what it no longer owns', async () => {
    const { history, calls } = emptyChangelogs();
    await Promise.all([history.ensure(2), history.ensure(2)]);
    await history.ensure(2);
    assert.equal(calls.restores, 2, 'one restore: one offsets fetch per store');
    history.invalidate(2);
    assert.throws(() => history.begin(2), /not restored/);
    await history.ensure(2);
    assert.equal(calls.restores, 4);
    await history.ensure(0);
    history.keepOnly(new Set([0]));
    assert.deepEqual(history.held, [0]);
    assert.equal(history.lastRestore?.entries, 0);
  });

  it('a batch applied after its partition was invalidated changes nothing (the next batch restores)', async () => {
    const { history } = emptyChangelogs();
    await history.ensure(1);
    const batch = history.begin(1);
    batch.put('parts', 'k', { x: 1 });
    history.invalidate(1);
    history.applied(batch);
    await history.ensure(1);
    assert.equal(history.begin(1).get('parts', 'k'), undefined);
  });

  it('coalesce keeps the last changelog record of each key, and every other output in order', async () => {
    const { history } = emptyChangelogs();
    await history.ensure(0);
    const b = history.begin(0);
    const out = (topic: string, key: string) => ({ topic, message: { key, value: 'v' } });
    const outputs = [
      out('validated', 'a'),
      b.put('parts', 'k1', { n: 1 }),
      out('validated', 'b'),
      b.put('parts', 'k1', { n: 2 }),
      b.put('crs', 'k1', { n: 3 }),
      out('validated', 'a'),
    ];
    const kept = history.coalesce(outputs);
    assert.deepEqual(
      kept.map((o) => `${o.topic}:${String(o.message.key)}:${String(o.message.value)}`),
      [
        'validated:a:v',
        'validated:b:v',
        't.history.parts.v1:k1:{"n":2}',
        't.history.crs.v1:k1:{"n":3}',
        'validated:a:v',
      ],
    );
  });
});

describe('core/history: a store with an expiry', () => {
  it('forgets an entry once it is older than the expiry, and only in that store', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-02T00:00:00Z') });
    const history = createHistory({
      kafka: {
        admin: () => ({
          connect: async () => undefined,
          disconnect: async () => undefined,
          fetchTopicOffsets: async () => [{ partition: 0, offset: '0', high: '0', low: '0' }],
        }),
      } as unknown as Kafka,
      logger: pino({ level: 'silent' }),
      stores: ['parts', 'idempotency'],
      topicPrefix: 't.history.',
      groupPrefix: 'g-',
      expiresAfterMs: { idempotency: 60_000 },
    });
    await history.ensure(0);
    const first = history.begin(0);
    first.put('idempotency', 'a', { trace_id: 't1' });
    first.put('parts', 'p', { installed_on: 'D-AIBL' });
    history.applied(first);
    t.mock.timers.tick(30_000);
    const second = history.begin(0);
    second.put('idempotency', 'b', { trace_id: 't2' });
    history.applied(second);
    t.mock.timers.tick(40_000);
    history.applied(history.begin(0));
    assert.deepEqual([...(history.entries(0)?.idempotency?.keys() ?? [])], ['b'], 'a is 70 s old, b 40 s');
    assert.equal(history.entries(0)?.parts?.size, 1, 'a store without an expiry keeps its entries');
  });
});
