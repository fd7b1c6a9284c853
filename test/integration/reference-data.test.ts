/**
 * Reference data against the real stack: the validators materialise the airlock.ref.* topics
 * before they are ready, judge CTX-BADGE-2 against the roster, and follow it while running — a
 * technician loaded with `npm run ref:load` is known to the next record, a tombstone forgets them.
 * Logbook entries are judged against the approvals list and the roster's authorisations, audit
 * events against the backup status of the compliance audit store.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { RouteName } from '../../core/contract.ts';
import { ErrorHeader, Header } from '../../core/headers.ts';
import { sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const NEWCOMER = 'e'.repeat(64);
const SUPPORT = 'f'.repeat(64);

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

  /**
   * Sends a record as an edge station would. Each is made new to the history rules, which are not
   * what this file tests: a CRS gets a reference of its own (EASA-M.A.305-a), an audit event becomes
   * the CREATE of a record of its own (ESIG-INT-2, ESIG-AMEND-1).
   */
  const send = async (badge: string, body?: Record<string, unknown>, route: RouteName = 'logbook') => {
    const id = crypto.randomUUID();
    const fresh =
      body === undefined
        ? body
        : route === 'logbook'
          ? { ...body, crs_ref: `CRS-${id}` }
          : {
              ...body,
              record_id: `R-${id}`,
              action: 'CREATE',
              signature_meaning: null,
              prev_event_sha256: '0'.repeat(64),
            };
    const m = fresh ? edgeMessage(fresh, 'D-AIBL', id, { route }) : edgeMessage(sampleRecord(), 'D-AIBL', id);
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

  /** Where a record ended: validated, or the DLQ with its rule ids (polled until it shows up). */
  const verdict = async (id: string): Promise<string> => {
    const kafka = testKafka(s);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [validated, dlq] = await Promise.all(
        [p.topics.validated, p.topics.dlq].map((t) =>
          readTopic(kafka, t, { expect: Number.MAX_SAFE_INTEGER, timeoutMs: 3000, settleMs: 0 }),
        ),
      );
      if (validated?.some((r) => r.headers[Header.traceId] === id)) return 'validated';
      const rejected = dlq?.find((r) => r.headers[Header.traceId] === id);
      if (rejected) return `dlq ${rejected.headers[ErrorHeader.ruleIds]}`;
      assert.ok(Date.now() < deadline, `record ${id} never judged\n${p.output('validators')}`);
    }
  };

  it('a CRS is judged against the approvals list and the certifying staff’s authorisation', async () => {
    const crs = JSON.parse(readFileSync(`${ROOT}avro/examples/logbook-entry/valid/crs-easa.json`, 'utf8'));
    const BADGE = crs.crs.certifying_staff_badge_hash;
    const underNewApproval = { ...crs, crs: { ...crs.crs, organisation_approval_ref: 'DE.145.0777' } };
    assert.equal(await verdict(await send(BADGE, crs)), 'validated');
    assert.equal(await verdict(await send(BADGE, underNewApproval)), 'dlq ACR-APPR-1');

    // The approval and a support-staff member, loaded from CSV exports.
    const dir = mkdtempSync(`${tmpdir()}/airlock-ref-`);
    writeFileSync(
      `${dir}/approvals.csv`,
      'approval_ref,organisation,valid_from,withdrawn_at\nDE.145.0777,New line station,2020-01-01,\n',
    );
    writeFileSync(
      `${dir}/support.csv`,
      `badge_hash,name,active_from,staff_role,authorisation_scope\n${SUPPORT},S. Upport,2020-01-01,SUPPORT_STAFF,A319/B1;A320/B1\n`,
    );
    for (const [kind, file] of [
      ['approvals', 'approvals.csv'],
      ['technicians', 'support.csv'],
    ] as const) {
      const r = refLoad(kind, `${dir}/${file}`);
      assert.equal(r.status, 0, r.stderr);
    }
    const deadline = Date.now() + 30_000;
    while ((await verdict(await send(BADGE, underNewApproval))) !== 'validated')
      assert.ok(Date.now() < deadline, `the approval was never followed\n${p.output('validators')}`);

    // Support staff cannot sign a CRS, and hold no certification authorisation.
    const bySupport = { ...crs, crs: { ...crs.crs, certifying_staff_badge_hash: SUPPORT } };
    assert.equal(await verdict(await send(BADGE, bySupport)), 'dlq EASA-145.A.35,EASA-145.A.50-a');
  });

  it('an audit event is refused while the last off-site backup is over 24 h old (CAMO-A.220)', async () => {
    const event = JSON.parse(
      readFileSync(`${ROOT}avro/examples/compliance-audit-event/valid/sign-crs.json`, 'utf8'),
    );
    const fresh = { ...event, occurred_at: new Date(Date.now() - 60_000).toISOString() };
    const BADGE = event.actor_badge_hash;
    assert.equal(await verdict(await send(BADGE, fresh, 'compliance-audit')), 'validated');

    const dir = mkdtempSync(`${tmpdir()}/airlock-ref-`);
    const status = (at: Date) => {
      writeFileSync(
        `${dir}/backup.json`,
        JSON.stringify([
          { system: 'compliance-audit', last_offsite_backup_at: at.toISOString(), location: 'vault' },
        ]),
      );
      const r = refLoad('backups', `${dir}/backup.json`);
      assert.equal(r.status, 0, r.stderr);
    };
    status(new Date(Date.now() - 30 * 3600_000));
    const deadline = Date.now() + 30_000;
    while ((await verdict(await send(BADGE, fresh, 'compliance-audit'))) !== 'dlq CAMO-A.220')
      assert.ok(Date.now() < deadline, `the stale backup was never followed\n${p.output('validators')}`);
    status(new Date());
    while ((await verdict(await send(BADGE, fresh, 'compliance-audit'))) !== 'validated')
      assert.ok(
        Date.now() < deadline + 30_000,
        `the new backup was never followed\n${p.output('validators')}`,
      );
  });
});
