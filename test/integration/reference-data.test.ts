/**
 * Reference data against the real stack: the validators materialise the airlock.ref.* topics
 * before they are ready, judge CTX-BADGE-2 against the roster, and follow it while running — a
 * technician loaded with `npm run ref:load` is known to the next record, a tombstone forgets them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ErrorHeader, Header } from '../../core/headers.ts';
import { sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const NEWCOMER = 'e'.repeat(64);

describe('reference data (real Kafka)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['validators']);
  });
  after(async () => {
    await p?.stop();
  });

  const send = async (badge: string) => {
    const id = crypto.randomUUID();
    const m = edgeMessage(sampleRecord(), 'D-AIBL', id);
    m.headers[Header.maintenanceContext] = JSON.stringify({
      ...sampleContext('D-AIBL'),
      technician_badge_hash: badge,
    });
    const producer = testKafka(s).producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: p.topics.ingress, acks: -1, messages: [m] });
    await producer.disconnect();
    return id;
  };
  const refLoad = (...args: string[]) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIRLOCK_')));
    const r = spawnSync(process.execPath, [`${ROOT}scripts/ref-load.ts`, ...args], {
      env: { ...env, ...p.env, AIRLOCK_STACK_DIR: mkdtempSync(`${tmpdir()}/airlock-no-stack-`) },
      encoding: 'utf8',
    });
    return r;
  };

  it('ready only after loading; an unknown badge is rejected; a loaded one accepted; a deleted one rejected again', async () => {
    const log = p.output('validators');
    const loaded = log.indexOf('"msg":"reference data loaded"');
    assert.ok(loaded >= 0 && loaded < log.indexOf('"msg":"lifecycle ready"'), 'reference data before ready');

    const kafka = testKafka(s);
    const first = await send(NEWCOMER);
    const dlq = await readTopic(kafka, p.topics.dlq, { expect: 1, settleMs: 200 });
    assert.equal(dlq[0]?.headers[Header.traceId], first);
    assert.equal(dlq[0]?.headers[ErrorHeader.ruleIds], 'CTX-BADGE-2');

    // A bad export is refused whole and publishes nothing; a good one is loaded.
    const dir = mkdtempSync(`${tmpdir()}/airlock-ref-`);
    writeFileSync(`${dir}/bad.csv`, 'badge_hash,name,active_from\nnot-a-hash,X,2020-01-01\n');
    const bad = refLoad('technicians', `${dir}/bad.csv`);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /refused, nothing published[\s\S]*record 1: badge_hash/);
    writeFileSync(`${dir}/new.csv`, `badge_hash,name,active_from\n${NEWCOMER},N. Ewcomer,2020-01-01\n`);
    const good = refLoad('technicians', `${dir}/new.csv`);
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /1 technicians record\(s\) loaded/);

    // The running validators follow the roster: the next record with that badge is validated.
    let second = '';
    const deadline = Date.now() + 30_000;
    for (;;) {
      second = await send(NEWCOMER);
      const validated = await readTopic(kafka, p.topics.validated, {
        expect: 1,
        timeoutMs: 5000,
        settleMs: 200,
      });
      if (validated.some((r) => r.headers[Header.traceId] === second)) break;
      assert.ok(Date.now() < deadline, `never accepted after loading\n${p.output('validators')}`);
    }

    // Deleted (tombstone): rejected again.
    const del = refLoad('technicians', '--delete', NEWCOMER);
    assert.equal(del.status, 0, del.stderr);
    for (;;) {
      const third = await send(NEWCOMER);
      const rejected = await readTopic(kafka, p.topics.dlq, { expect: 2, timeoutMs: 5000, settleMs: 200 });
      if (rejected.some((r) => r.headers[Header.traceId] === third)) break;
      assert.ok(
        Date.now() < deadline + 30_000,
        `never rejected after the tombstone\n${p.output('validators')}`,
      );
    }
  });
});
