/**
 * A destination that cannot be written (its topic deleted under the router): the partition waits —
 * each transaction aborted and retried with exponential backoff and jitter, behind a circuit breaker
 * that opens after three failures in a row (reported on /health/ready) — rather than skipping or
 * reordering; once the topic is back every record arrives exactly once, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTopicsWithLeaders } from '../../core/kafka/topics.ts';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { committed } from '../support/crash.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const COUNT = 40;

describe('destination outage (real Kafka)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['validators', 'router']);
  });
  after(async () => {
    await p?.stop();
  });

  it('waits while the destination topic is gone, then delivers every record once and in order', async () => {
    const kafka = testKafka(s);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [p.topics.partsTrace], timeout: 10000 });

    // One aircraft, so one partition: the order of its records is what a logbook ledger needs.
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const ids: string[] = [];
    const messages = Array.from({ length: COUNT }, (_, i) => {
      const id = crypto.randomUUID();
      ids.push(id);
      return edgeMessage({ ...sampleRecord(), remarks: `seq ${i}` }, 'D-AIBL', id);
    });
    await producer.send({ topic: p.topics.ingress, acks: -1, messages });
    await producer.disconnect();

    await new Promise((r) => setTimeout(r, 6000));
    const routerGroup = p.env.AIRLOCK_ROUTER_GROUP_ID ?? '';
    assert.equal(
      await committed(admin, routerGroup, p.topics.validated),
      0,
      'nothing committed past the outage',
    );
    // The breaker opens after three failed transactions in a row, and the health endpoint says so.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ready = (await (await fetch(`${p.health.router}/health/ready`)).json()) as { outputs?: string };
      if (ready.outputs === 'open') break;
      assert.ok(
        Date.now() < deadline,
        `the output breaker never opened (${ready.outputs})\n${p.output('router')}`,
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(p.output('router'), /the partition waits and retries/);

    await createTopicsWithLeaders(admin, [
      { topic: p.topics.partsTrace, numPartitions: 3, replicationFactor: -1 },
    ]);
    const arrived = await readTopic(kafka, p.topics.partsTrace, {
      expect: COUNT,
      timeoutMs: 90000,
      settleMs: 3000,
    });
    await admin.disconnect();
    assert.equal(arrived.length, COUNT, p.output('router'));
    assert.deepEqual(
      arrived.map((r) => r.headers['airlock-trace-id']),
      ids,
      'every record once, in the order it was sent',
    );
  });
});
