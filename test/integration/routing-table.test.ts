/**
 * The declarative routing table against the real stack: a removed life-limited part fans out to the
 * parts registry and the compliance store (each record decodable through the registry); a new
 * table is swapped in without a restart, and an invalid one is refused while the running table stays.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_DIR } from '../../core/contract.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const llpRemoval = JSON.parse(
  readFileSync(`${AVRO_DIR}examples/parts-trace-event/valid/removed-llp-faa.json`, 'utf8'),
);
const defaults = { name: 'parts-trace-default', match: { route: 'parts-trace' }, to: ['partsTrace'] };
const fanOut = {
  name: 'llp-removals-to-audit',
  match: {
    route: 'parts-trace',
    fields: { '/payload/installation_status': ['removed'], '/payload/life_limited': [true] },
  },
  to: ['complianceAudit'],
};

describe('routing table (real Kafka and registry)', () => {
  let s: Services;
  let p: Pipeline;
  const dir = mkdtempSync(`${tmpdir()}/airlock-routing-`);
  const file = `${dir}/routing.json`;
  before(async () => {
    s = await services();
    writeFileSync(file, JSON.stringify([defaults, fanOut]));
    p = await startPipeline(s, ['validators', 'router'], { AIRLOCK_ROUTER_TABLE_FILE: file });
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The part's installation, then its removal (TRACE-SEQ-1: removed only where it is installed). */
  const send = async (traceId: string) => {
    const producer = testKafka(s).producer({ idempotent: true });
    await producer.connect();
    const installation = { ...llpRemoval, installation_status: 'installed' };
    await producer.send({
      topic: p.topics.ingress,
      acks: -1,
      messages: [edgeMessage(installation, 'N123AZ'), edgeMessage(llpRemoval, 'N123AZ', traceId)],
    });
    await producer.disconnect();
  };
  const removals = <T extends { headers: Record<string, string> }>(records: T[], ids: string[]) =>
    records.filter((r) => ids.includes(r.headers['airlock-trace-id'] ?? ''));

  it('fans a removed life-limited part out to both topics, each record decodable; then reloads', async () => {
    const kafka = testKafka(s);
    const registry = new SchemaRegistry({ host: s.registryUrl });
    const first = crypto.randomUUID();
    await send(first);
    const parts = removals(await readTopic(kafka, p.topics.partsTrace, { expect: 2, settleMs: 0 }), [first]);
    const audit = await readTopic(kafka, p.env.AIRLOCK_TOPIC_COMPLIANCE_AUDIT ?? '', {
      expect: 1,
      settleMs: 0,
    });
    for (const r of [...parts, ...audit]) {
      assert.equal(r.headers['airlock-trace-id'], first);
      const decoded = (await registry.decode(r.message.value ?? Buffer.alloc(0))) as {
        payload: { installation_status: string };
      };
      assert.equal(decoded.payload.installation_status, 'removed');
    }
    assert.equal(parts.length, 1);
    assert.equal(audit.length, 1);

    // An invalid table is refused; the running one stays.
    writeFileSync(file, JSON.stringify([defaults, { ...fanOut, to: ['warehouse'] }]));
    for (let i = 0; i < 50 && !p.output('router').includes('routing table refused'); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(p.output('router'), /routing table refused/);

    // The fan-out rule removed: the next removal goes to the parts registry only.
    writeFileSync(file, JSON.stringify([defaults]));
    for (let i = 0; i < 50 && !p.output('router').includes('routing table reloaded'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const second = crypto.randomUUID();
    await send(second);
    const partsAfter = removals(await readTopic(kafka, p.topics.partsTrace, { expect: 4, settleMs: 1500 }), [
      first,
      second,
    ]);
    const auditAfter = await readTopic(kafka, p.env.AIRLOCK_TOPIC_COMPLIANCE_AUDIT ?? '', {
      expect: 2,
      timeoutMs: 3000,
      settleMs: 0,
    });
    assert.deepEqual(partsAfter.map((r) => r.headers['airlock-trace-id']).sort(), [first, second].sort());
    assert.deepEqual(
      auditAfter.map((r) => r.headers['airlock-trace-id']),
      [first],
    );
  });
});
