/**
 * Every stage twice (issue #18 §2): two ingress processes (one Redis, a transactional id each), two
 * validators and two routers in their groups, under a steady load of keyed records sent to either
 * ingress (test/support/keyed-load.ts: a failed attempt is retried with the same key and body on
 * the other, as a client behind a load balancer would). One instance of each stage is SIGKILLed in
 * turn while the load runs. At the end every key is in the destination exactly once
 * (read_committed), and nothing is in the DLQ.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Header } from '../../core/headers.ts';
import { tokenFor } from '../support/https.ts';
import { committedCount, readTopic, testKafka, uid } from '../support/kafka.ts';
import { everyStageTwice, keyedLoad } from '../support/keyed-load.ts';
import { type Services, services } from '../support/services.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('every stage twice: one instance of each SIGKILLed under load, every record once', () => {
  let s: Services;
  let run: Awaited<ReturnType<typeof everyStageTwice>> | undefined;

  before(async () => {
    s = await services();
    run = await everyStageTwice(s);
  });
  after(async () => {
    await run?.stop();
  });

  it('two of each, one of each killed in turn: every key once in the destination, none in the DLQ', async () => {
    assert.ok(run);
    const { p, ingress2, router2 } = run;
    const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 900 });
    const load = keyedLoad({ pki: p.pki, token, urls: [p.url, ingress2.url], ratePerSecond: 40 });
    load.start(uid());
    // One instance of each stage killed in turn, four seconds apart.
    await sleep(4000);
    await p.kill('ingress');
    await sleep(4000);
    await p.kill('validators');
    await sleep(4000);
    await router2.stop('SIGKILL');
    await sleep(4000);
    await load.stop();
    const keys = [...load.accepted.keys()];
    assert.ok(keys.length >= 500, `${keys.length} records sent`);

    const kafka = testKafka(s);
    const delivered = await readTopic(kafka, p.topics.partsTrace, {
      expect: keys.length,
      timeoutMs: 120_000,
      settleMs: 5000,
    });
    const byKey = new Map<string, number>();
    for (const r of delivered) {
      const k = r.headers[Header.idempotencyKey] ?? '';
      byKey.set(k, (byKey.get(k) ?? 0) + 1);
    }
    const answers = JSON.stringify([...load.answers]);
    assert.deepEqual(
      [...byKey].filter(([, n]) => n > 1),
      [],
      'no record twice',
    );
    assert.deepEqual(
      keys.filter((k) => !byKey.has(k)),
      [],
      `every record arrived (answers ${answers})`,
    );
    assert.equal(delivered.length, keys.length);
    assert.equal(await committedCount(kafka, p.topics.dlq), 0, 'nothing in the DLQ');
    console.log(`${keys.length} records; answers by status (0: connection failed): ${answers}`);
  });
});
