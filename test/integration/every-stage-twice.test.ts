/**
 * Every stage twice (issue #18 §2): two ingress processes (one Redis, a transactional id each), two
 * validators and two routers in their groups, under a steady load of keyed records sent to either
 * ingress. One instance of each stage is SIGKILLed in turn while the load runs; a sender whose
 * request fails retries the same key and body on the other ingress, as a client behind a load
 * balancer would. At the end every key is in the destination exactly once (read_committed), and
 * nothing is in the DLQ.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Header } from '../../core/headers.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { httpsCall, tokenFor } from '../support/https.ts';
import { committedCount, readTopic, testKafka, uid } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const RECORDS = 600;
const SENDERS = 8;

describe('every stage twice: one instance of each SIGKILLed under load, every record once', () => {
  let s: Services;
  let p: Pipeline;
  let second: Awaited<ReturnType<Pipeline['another']>>[] = [];

  before(async () => {
    s = await services();
    p = await startPipeline(s, ['ingress', 'validators', 'router'], {
      // A dead member's partitions move after 8 s, a dead ingress's in-flight keys free after 3 s.
      AIRLOCK_KAFKA_SESSION_TIMEOUT_MS: '8000',
      AIRLOCK_INGRESS_TRANSACTION_TIMEOUT_MS: '3000',
    });
    second = [await p.another('ingress'), await p.another('validators'), await p.another('router')];
  });
  after(async () => {
    for (const x of second) await x.stop('SIGKILL');
    await p?.stop();
  });

  it('two of each, one of each killed in turn: every key once in the destination, none in the DLQ', async () => {
    const [ingress2, , router2] = second;
    assert.ok(ingress2 && router2);
    const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 900 });
    const run = uid();
    const urls = [p.url, ingress2.url];
    const answers = new Map<number, number>();
    let accepted = 0;
    /** One record, sent until an ingress answers 202; a failed attempt goes to the other ingress. */
    const deliver = async (i: number) => {
      const key = `${run}-${i}`;
      const body = JSON.stringify({ ...sampleRecord(), remarks: `record ${i}` });
      for (let attempt = 0; attempt < 400; attempt++) {
        const status = await httpsCall(p.pki, `${urls[(i + attempt) % 2]}/v1/parts/trace`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
            'x-maintenance-context': contextHeader(sampleContext()),
          },
          body,
        }).then(
          (a) => a.status,
          () => 0, // the connection failed (a killed ingress): try the other
        );
        answers.set(status, (answers.get(status) ?? 0) + 1);
        if (status === 202) return;
        // 503 and 409 (the key still held by an attempt in flight, or a dead one's until it expires)
        // are retried; anything else is a bug.
        assert.ok([0, 409, 503].includes(status), `record ${i}: answered ${status}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * (attempt + 1))));
      }
      throw new Error(`record ${i} was never accepted`);
    };
    // One instance of each stage killed in turn, a quarter of the way apart.
    const faults: [number, string, () => Promise<void>][] = [
      [RECORDS / 4, 'ingress', () => p.kill('ingress')],
      [RECORDS / 2, 'validators', () => p.kill('validators')],
      [(3 * RECORDS) / 4, 'router', () => router2.stop('SIGKILL')],
    ];
    const killed: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < RECORDS) {
          const i = next++;
          await deliver(i);
          accepted++;
          const due = faults.find(([at, what]) => accepted >= at && !killed.includes(what));
          if (due) {
            killed.push(due[1]);
            await due[2]();
          }
        }
      }),
    );
    assert.deepEqual(killed, ['ingress', 'validators', 'router']);
    const kafka = testKafka(s);
    const delivered = await readTopic(kafka, p.topics.partsTrace, {
      expect: RECORDS,
      timeoutMs: 120_000,
      settleMs: 5000,
    });
    const byKey = new Map<string, number>();
    for (const r of delivered) {
      const k = r.headers[Header.idempotencyKey] ?? '';
      byKey.set(k, (byKey.get(k) ?? 0) + 1);
    }
    const twice = [...byKey].filter(([, n]) => n > 1);
    const missing = Array.from({ length: RECORDS }, (_, i) => `${run}-${i}`).filter((k) => !byKey.has(k));
    assert.deepEqual(twice, [], 'no record twice');
    assert.deepEqual(missing, [], `every record arrived (${JSON.stringify([...answers])})`);
    assert.equal(delivered.length, RECORDS);
    assert.equal(await committedCount(kafka, p.topics.dlq), 0, 'nothing in the DLQ');
    console.log(`answers by status (0: connection failed): ${JSON.stringify([...answers])}`);
  });
});
