/**
 * Reliability promise 2 for the router (issue #5's kill test): with the validators running, SIGKILL
 * the router mid-stream, several times, restart it, and count: every validated record appears
 * exactly once in its destination topic, read with read_committed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countByTrace, crashThrough, feeder, waitCommitted } from '../support/crash.ts';
import { readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const TOTAL = 3000;

describe('router: exactly once across SIGKILL and restart (real Kafka)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['validators', 'router'], { AIRLOCK_KAFKA_SESSION_TIMEOUT_MS: '6000' });
    await p.kill('router');
  });
  after(async () => {
    await p?.stop();
  });

  it(`${TOTAL} records, 3 router crashes: each appears once in airlock.parts-trace.v1`, async (t) => {
    const kafka = testKafka(s);
    const admin = kafka.admin();
    await admin.connect();
    // The input arrives in four parts, one before each router crash and the last after them; each
    // part is validated whole before the router runs, so the router's input grows by a part a time.
    const expected = feeder(kafka, p.topics.ingress, TOTAL, 4);
    const feed = async () => {
      const fed = await expected.next();
      await waitCommitted(
        admin,
        p,
        'validators',
        p.env.AIRLOCK_VALIDATORS_GROUP_ID ?? '',
        p.topics.ingress,
        fed,
      );
    };
    const killedAt = await crashThrough({
      admin,
      p,
      stage: 'router',
      groupId: p.env.AIRLOCK_ROUTER_GROUP_ID ?? '',
      topic: p.topics.validated,
      feed,
    });
    t.diagnostic(`input committed at each crash: ${killedAt.join(', ')}`);
    await admin.disconnect();

    const routed = await readTopic(kafka, p.topics.partsTrace, { expect: TOTAL, settleMs: 3000 });
    const counts = countByTrace(routed);
    assert.deepEqual(
      [...counts].filter(([, n]) => n > 1),
      [],
      'no record twice',
    );
    for (const id of expected.valid) assert.ok(counts.has(id), `${id} missing from the destination topic`);
    assert.equal(routed.length, TOTAL);
  });
});
