/**
 * A destination that refuses a record for good (here: larger than the destination topic's
 * max.message.bytes, refused by the real broker with MESSAGE_TOO_LARGE): the router commits the
 * batch record by record, sends the refused record to the DLQ with its reason, and delivers every
 * other record exactly once and in order — the partition is not blocked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { loadConfig } from '../../core/config/load.ts';
import { ErrorHeader, Header } from '../../core/headers.ts';
import { createRegistry, decodeRecord } from '../../core/registry.ts';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { countByTrace } from '../support/crash.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const COUNT = 12;
const TOO_BIG = 5;

describe('destination refusal (real Kafka)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['validators', 'router']);
  });
  after(async () => {
    await p?.stop();
  });

  it('a record the destination refuses goes to the DLQ with its reason; the others arrive once, in order', async () => {
    const kafka = testKafka(s);
    const admin = kafka.admin();
    await admin.connect();
    // Room for one ordinary record, not for a batch of them, nor for the one with long remarks.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: kafkajs.ConfigResourceTypes.TOPIC,
          name: p.topics.partsTrace,
          configEntries: [{ name: 'max.message.bytes', value: '3000' }],
        },
      ],
    });
    await admin.disconnect();

    // One aircraft, so one partition; the refused record is in the middle of the stream.
    const ids: string[] = [];
    const messages = Array.from({ length: COUNT }, (_, i) => {
      const id = crypto.randomUUID();
      ids.push(id);
      // Within the schema's 4000 characters of remarks, over the topic's 3000 bytes.
      const remarks = i === TOO_BIG ? `seq ${i} ${'x'.repeat(3900)}` : `seq ${i}`;
      return edgeMessage({ ...sampleRecord(), remarks }, 'D-AIBL', id);
    });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: p.topics.ingress, acks: -1, messages });
    await producer.disconnect();

    const dlq = await readTopic(kafka, p.topics.dlq, { expect: 1, timeoutMs: 90_000, settleMs: 500 });
    assert.equal(dlq.length, 1, `one record refused\n${p.output('router')}`);
    const refused = dlq[0]?.headers ?? {};
    assert.equal(refused[Header.traceId], ids[TOO_BIG]);
    assert.equal(refused[ErrorHeader.stage], 'router');
    assert.equal(refused[ErrorHeader.code], 'DESTINATION_REJECTED');
    assert.equal(refused[ErrorHeader.ruleIds], 'DESTINATION');
    assert.match(refused[ErrorHeader.message] ?? '', /MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/);
    assert.match(refused[ErrorHeader.message] ?? '', new RegExp(p.topics.partsTrace.replaceAll('.', '\\.')));

    const routed = await readTopic(kafka, p.topics.partsTrace, { expect: COUNT - 1, settleMs: 3000 });
    assert.deepEqual(
      [...countByTrace(routed)].filter(([, n]) => n > 1),
      [],
      'none twice',
    );
    const registry = createRegistry(loadConfig(p.env, 'tool'));
    const order = [];
    for (const r of routed) {
      const envelope = await decodeRecord(registry, r.message.value);
      order.push((envelope.payload as { remarks: string }).remarks);
    }
    assert.deepEqual(
      order,
      ids.map((_, i) => `seq ${i}`).filter((_, i) => i !== TOO_BIG),
      'every other record, in order',
    );
  });
});
