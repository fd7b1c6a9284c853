/**
 * The rule-set configuration reloads without a restart: a record refused under version v1 of the
 * file (TRACE-CERT-EASA) is accepted after the file switches that rule off as v2, and its envelope
 * records the version that judged it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { sampleInstallation } from '../../scripts/lib/sample.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

describe('rule-set configuration reload (validators, real Kafka and registry)', () => {
  let s: Services;
  let p: Pipeline;
  const dir = mkdtempSync(`${tmpdir()}/airlock-rules-`);
  const file = `${dir}/rules.json`;
  before(async () => {
    s = await services();
    writeFileSync(file, JSON.stringify({ version: 'v1' }));
    p = await startPipeline(s, ['validators'], { AIRLOCK_RULES_FILE: file });
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('v1 refuses, v2 (rule switched off, no restart) accepts, and the envelope says v2', async () => {
    const kafka = testKafka(s);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    // An EASA aircraft, a component installed without its Form 1 reference: TRACE-CERT-EASA.
    const body = { ...sampleInstallation(), airworthiness_certificate_ref: null };
    const first = crypto.randomUUID();
    await producer.send({
      topic: p.topics.ingress,
      acks: -1,
      messages: [edgeMessage(body, 'D-AIBL', first)],
    });
    const dlq = await readTopic(kafka, p.topics.dlq, { expect: 1, settleMs: 0 });
    assert.equal(dlq[0]?.headers['airlock-trace-id'], first);
    assert.equal(dlq[0]?.headers['airlock-error-rule-ids'], 'TRACE-CERT-EASA');

    writeFileSync(file, JSON.stringify({ version: 'v2', disabled: ['TRACE-CERT-EASA'] }));
    for (let i = 0; i < 50 && !p.output('validators').includes('"version":"v2"'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(p.output('validators'), /rule-set configuration reloaded/);

    const second = crypto.randomUUID();
    await producer.send({
      topic: p.topics.ingress,
      acks: -1,
      messages: [edgeMessage(body, 'D-AIBL', second)],
    });
    await producer.disconnect();
    const validated = await readTopic(kafka, p.topics.validated, { expect: 1, settleMs: 1000 });
    assert.equal(validated.length, 1);
    assert.equal(validated[0]?.headers['airlock-trace-id'], second);
    const envelope = (await new SchemaRegistry({ host: s.registryUrl }).decode(
      validated[0]?.message.value ?? Buffer.alloc(0),
    )) as {
      rule_set: string;
      rule_set_version: string;
    };
    assert.equal(envelope.rule_set, 'EASA');
    assert.equal(envelope.rule_set_version, 'airlock-rules/2+v2');
  });
});
