/**
 * Reliability promise 2 for the validators: SIGKILL the stage mid-stream, several times, restart it,
 * and count. Every input record must appear exactly once across airlock.validated.v1 and the DLQ,
 * read with read_committed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Header } from '../../core/headers.ts';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const TOTAL = 3000;
const REGISTRATIONS = ['D-AIBL', 'N123AZ', 'G-EUPT', 'F-GKXA', 'HB-JCA', 'EI-DVM'];

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

  it(`${TOTAL} records, 3 crashes: each appears once in validated or DLQ`, async () => {
    const kafka = testKafka(s);
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const expectedValid = new Set<string>();
    const expectedInvalid = new Set<string>();
    for (let start = 0; start < TOTAL; start += 500) {
      const messages = [];
      for (let i = start; i < Math.min(TOTAL, start + 500); i++) {
        const registration = REGISTRATIONS[i % REGISTRATIONS.length] ?? 'D-AIBL';
        const traceId = crypto.randomUUID();
        const invalid = i % 10 === 0; // one in ten breaks the schema: the DLQ's share
        (invalid ? expectedInvalid : expectedValid).add(traceId);
        const body = {
          ...sampleRecord(),
          aircraft_registration: registration,
          ...(invalid ? { serial_number: i } : {}),
        };
        messages.push(edgeMessage(body, registration, traceId));
      }
      await producer.send({ topic: p.topics.ingress, acks: -1, messages });
    }
    await producer.disconnect();

    const consumed = async () => {
      const [offsets] = await admin.fetchOffsets({
        groupId: p.env.AIRLOCK_VALIDATORS_GROUP_ID ?? '',
        topics: [p.topics.ingress],
      });
      return (offsets?.partitions ?? []).reduce((n, x) => n + Math.max(0, Number(x.offset)), 0);
    };
    const waitFor = async (min: number, timeoutMs = 90000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const n = await consumed();
        if (n >= min) return n;
        assert.ok(Date.now() < deadline, `only ${n} of ${min} inputs committed\n${p.output('validators')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const killedAt: number[] = [];
    for (const threshold of [1, TOTAL / 3, (2 * TOTAL) / 3]) {
      await p.restart('validators');
      killedAt.push(await waitFor(threshold));
      await p.kill('validators');
    }
    await p.restart('validators');
    await waitFor(TOTAL);
    await admin.disconnect();
    assert.ok(
      killedAt.every((n) => n < TOTAL),
      `every crash happened mid-stream (committed at kill: ${killedAt.join(', ')})`,
    );

    const validated = await readTopic(kafka, p.topics.validated, {
      expect: expectedValid.size,
      settleMs: 3000,
    });
    const dlq = await readTopic(kafka, p.topics.dlq, { expect: expectedInvalid.size, settleMs: 3000 });
    const count = (records: typeof validated) => {
      const m = new Map<string, number>();
      for (const r of records)
        m.set(r.headers[Header.traceId] ?? '', (m.get(r.headers[Header.traceId] ?? '') ?? 0) + 1);
      return m;
    };
    const v = count(validated);
    const d = count(dlq);
    const dupes = [...v, ...d].filter(([, n]) => n > 1);
    assert.deepEqual(dupes, [], 'no record twice');
    for (const id of expectedValid) assert.ok(v.has(id) && !d.has(id), `valid ${id} missing from validated`);
    for (const id of expectedInvalid) assert.ok(d.has(id) && !v.has(id), `invalid ${id} missing from DLQ`);
    assert.equal(validated.length + dlq.length, TOTAL);
  });
});
