/**
 * Reliability promise 2 for the validators: SIGKILL the stage mid-stream, several times, restart it,
 * and count. Every input record must appear exactly once across airlock.validated.v1 and the DLQ,
 * read with read_committed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countByTrace, crashThrough, feeder } from '../support/crash.ts';
import { readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const TOTAL = 3000;

describe('validators: exactly once across SIGKILL and restart (real Kafka)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    // Only the validators; a short session timeout so a killed member leaves the group quickly.
    p = await startPipeline(s, ['validators'], { AIRLOCK_KAFKA_SESSION_TIMEOUT_MS: '6000' });
    await p.kill('validators');
  });
  after(async () => {
    await p?.stop();
  });

  it(`${TOTAL} records, 3 crashes: each appears once in validated or DLQ`, async (t) => {
    const kafka = testKafka(s);
    const admin = kafka.admin();
    await admin.connect();
    // One in ten breaks the schema: the DLQ's share.
    // The input arrives in four parts, one before each crash and the last after them.
    const expected = feeder(kafka, p.topics.ingress, TOTAL, 4, 10);
    const killedAt = await crashThrough({
      admin,
      p,
      stage: 'validators',
      groupId: p.env.AIRLOCK_VALIDATORS_GROUP_ID ?? '',
      topic: p.topics.ingress,
      feed: expected.next,
    });
    t.diagnostic(`input committed at each crash: ${killedAt.join(', ')}`);
    await admin.disconnect();
    assert.equal(expected.valid.size + expected.invalid.size, TOTAL);

    const validated = await readTopic(kafka, p.topics.validated, {
      expect: expected.valid.size,
      settleMs: 3000,
    });
    const dlq = await readTopic(kafka, p.topics.dlq, { expect: expected.invalid.size, settleMs: 3000 });
    const v = countByTrace(validated);
    const d = countByTrace(dlq);
    assert.deepEqual(
      [...v, ...d].filter(([, n]) => n > 1),
      [],
      'no record twice',
    );
    for (const id of expected.valid) assert.ok(v.has(id) && !d.has(id), `valid ${id} missing from validated`);
    for (const id of expected.invalid) assert.ok(d.has(id) && !v.has(id), `invalid ${id} missing from DLQ`);
    assert.equal(validated.length + dlq.length, TOTAL);
  });
});
