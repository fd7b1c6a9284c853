/**
 * The compliance-audit rules (REGULATORY.md §9 ESIG, §10 RET) with the catalogue's vectors; the
 * reference clock is 2025-06-01T00:00:00Z, "received" 2025-05-31T10:00Z where the vector says so.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferenceMaps } from '../../../rules/refdata.ts';
import { run } from './harness.ts';
import { BADGE, CERTIFYING_PERSON } from './logbook.ts';

const SHARED = 'c'.repeat(64);
const SUPPORT = 'f'.repeat(64);
const ZEROS = '0'.repeat(64);
const HASH = '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862';
const AUDIT = {
  event_id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
  record_id: 'R1',
  record_version: 1,
  action: 'CREATE',
  actor_badge_hash: BADGE,
  signature_meaning: null,
  occurred_at: '2025-05-31T09:58:00Z',
  content_sha256: HASH,
  content: null,
  prev_event_sha256: ZEROS,
  supersedes: null,
  retention: null,
};
const roster = () => {
  const r = new ReferenceMaps();
  r.apply('technicians', BADGE, CERTIFYING_PERSON);
  r.apply('technicians', SHARED, {
    badge_hash: SHARED,
    name: 'HANGAR-3-SHARED',
    kind: 'SHARED',
    active_from: '2015-01-01',
  });
  r.apply('technicians', SUPPORT, { badge_hash: SUPPORT, name: 'Support staff', active_from: '2015-01-01' });
  return r;
};
const audit = (
  id: string,
  patch: Record<string, unknown>,
  opts: { now?: Date; reference?: ReferenceMaps } = {},
) => run(id, patch, { base: AUDIT, route: 'compliance-audit', registration: 'D-AIBL', ...opts });
const ok = (f: unknown[]) => assert.deepEqual(f, []);
const fails = (f: unknown[]) => assert.equal(f.length, 1, JSON.stringify(f));

describe('ESIG-ID-1', () => {
  const sign = { action: 'SIGN', record_version: 1, prev_event_sha256: HASH, signature_meaning: 'REVIEWED' };
  it("✔ a person's badge", () => ok(audit('ESIG-ID-1', sign, { reference: roster() })));
  it('✘ badge of HANGAR-3-SHARED', () =>
    fails(audit('ESIG-ID-1', { ...sign, actor_badge_hash: SHARED }, { reference: roster() })));
  it('✘ unknown hash', () =>
    fails(audit('ESIG-ID-1', { ...sign, actor_badge_hash: 'd'.repeat(64) }, { reference: roster() })));
  it('a CREATE is not a signature', () =>
    ok(audit('ESIG-ID-1', { actor_badge_hash: SHARED }, { reference: roster() })));
});

describe('ESIG-INTENT-1', () => {
  const sign = { action: 'SIGN', prev_event_sha256: HASH };
  it('✔ {action: SIGN, signature_meaning: CRS_ISSUED} by certifying staff', () =>
    ok(audit('ESIG-INTENT-1', { ...sign, signature_meaning: 'CRS_ISSUED' }, { reference: roster() })));
  it('✘ SIGN without meaning', () => fails(audit('ESIG-INTENT-1', sign)));
  it('✘ APPROVED_RTS by a support-staff badge', () =>
    fails(
      audit(
        'ESIG-INTENT-1',
        { ...sign, signature_meaning: 'APPROVED_RTS', actor_badge_hash: SUPPORT },
        { reference: roster() },
      ),
    ));
  const release = { ...sign, signature_meaning: 'CRS_ISSUED' };
  const rts = { ...sign, signature_meaning: 'APPROVED_RTS' };
  const signer = (patch: Record<string, unknown>) => {
    const r = roster();
    r.apply('technicians', BADGE, { ...r.get('technicians', BADGE), ...patch });
    return r;
  };
  it('✘ CRS_ISSUED by certifying staff whose authorisation expired before the signature', () =>
    fails(
      audit('ESIG-INTENT-1', release, { reference: signer({ authorisation_valid_until: '2025-01-31' }) }),
    ));
  it('✘ CRS_ISSUED by certifying staff without a valid Part-66 licence', () =>
    fails(audit('ESIG-INTENT-1', release, { reference: signer({ licence_valid_until: null }) })));
  it('✔ APPROVED_RTS on an FAA record by an A&P', () =>
    ok(
      run('ESIG-INTENT-1', rts, {
        base: AUDIT,
        route: 'compliance-audit',
        registration: 'N123AZ',
        reference: roster(),
      }),
    ));
  it('✘ APPROVED_RTS on an FAA record by a person without a Part 65 certificate', () =>
    fails(
      run('ESIG-INTENT-1', rts, {
        base: AUDIT,
        route: 'compliance-audit',
        registration: 'N123AZ',
        reference: signer({ certificate_kind: null }),
      }),
    ));
  it('✘ a release signed by a badge not in the roster', () =>
    fails(audit('ESIG-INTENT-1', { ...release, actor_badge_hash: 'd'.repeat(64) }, { reference: roster() })));
});

describe('ESIG-INT-1', () => {
  it(`✔ hash of {"a":1} = ${HASH.slice(0, 12)}… matches`, () =>
    ok(audit('ESIG-INT-1', { content: '{"a":1}' })));
  it('✘ record edited after signing (hash mismatch)', () =>
    fails(audit('ESIG-INT-1', { content: '{"a":2}' })));
  it('✘ not a SHA-256', () => fails(audit('ESIG-INT-1', { content_sha256: 'abc' })));
});

describe('ESIG-INT-2 (record part)', () => {
  it('✔ genesis CREATE v1 links to 64 zeros', () => ok(audit('ESIG-INT-2', {})));
  it('✘ genesis event with a non-zero prev', () => fails(audit('ESIG-INT-2', { prev_event_sha256: HASH })));
  it('✘ a later event linking to 64 zeros', () => fails(audit('ESIG-INT-2', { action: 'SIGN' })));
});

describe('ESIG-TIME-2 (received 2025-05-31T10:00Z)', () => {
  const now = new Date('2025-05-31T10:00:00Z');
  it('✔ occurred 2025-05-31T09:58Z', () => ok(audit('ESIG-TIME-2', {}, { now })));
  it('✘ occurred 2025-05-31T10:30Z', () =>
    fails(audit('ESIG-TIME-2', { occurred_at: '2025-05-31T10:30:00Z' }, { now })));
});

describe('ESIG-AMEND-1 (record part)', () => {
  it('✔ v1 → AMEND v2 supersedes R1@1', () =>
    ok(
      audit('ESIG-AMEND-1', {
        action: 'AMEND',
        record_version: 2,
        supersedes: 'R1@1',
        prev_event_sha256: HASH,
      }),
    ));
  it('✘ AMEND v3 supersedes R1@1', () =>
    fails(
      audit('ESIG-AMEND-1', {
        action: 'AMEND',
        record_version: 3,
        supersedes: 'R1@1',
        prev_event_sha256: HASH,
      }),
    ));
  it('✘ a CREATE of version 2', () => fails(audit('ESIG-AMEND-1', { record_version: 2 })));
});

describe('RET (purge guard)', () => {
  const purge = (
    classes: string[],
    dates: Record<string, unknown>,
    occurred_at: string,
    extra: Record<string, unknown> = {},
  ) => ({
    action: 'PURGE',
    record_version: 2,
    prev_event_sha256: HASH,
    occurred_at,
    retention: {
      record_classes: classes,
      work_date: null,
      superseded_at: null,
      rts_date: null,
      crs_date: null,
      last_entry_date: null,
      transferred_out: false,
      legal_hold: false,
      ...dates,
      ...extra,
    },
  });
  it('RET-FAA-91.417-b1: work 2024-03-01, superseded 2024-09-01: ✘ purge 2025-02-28 ✔ purge 2025-03-02', () => {
    const d = { work_date: '2024-03-01', superseded_at: '2024-09-01' };
    fails(audit('RET-FAA-91.417-b1', purge(['MAINTENANCE'], d, '2025-02-28T00:00:00Z')));
    ok(audit('RET-FAA-91.417-b1', purge(['MAINTENANCE'], d, '2025-03-02T00:00:00Z')));
  });
  it('RET-FAA-91.417-b2: ✘ purge of LLP status ✔ transfer-out', () => {
    fails(audit('RET-FAA-91.417-b2', purge(['STATUS'], {}, '2025-03-02T00:00:00Z')));
    ok(audit('RET-FAA-91.417-b2', purge(['STATUS'], {}, '2025-03-02T00:00:00Z', { transferred_out: true })));
  });
  it('RET-FAA-145.219-c: RTS 2023-06-01: ✘ purge 2025-05-31 ✔ purge 2025-06-02', () => {
    fails(
      audit(
        'RET-FAA-145.219-c',
        purge(['REPAIR_STATION'], { rts_date: '2023-06-01' }, '2025-05-31T00:00:00Z'),
      ),
    );
    ok(
      audit(
        'RET-FAA-145.219-c',
        purge(['REPAIR_STATION'], { rts_date: '2023-06-01' }, '2025-06-02T00:00:00Z'),
      ),
    );
  });
  it('RET-EASA-145.A.55: CRS 2022-05-31: ✔ purge 2025-06-01 ✘ purge 2025-05-30', () => {
    ok(audit('RET-EASA-145.A.55', purge(['AMO'], { crs_date: '2022-05-31' }, '2025-06-01T00:00:00Z')));
    fails(audit('RET-EASA-145.A.55', purge(['AMO'], { crs_date: '2022-05-31' }, '2025-05-30T00:00:00Z')));
  });
  it('RET-EASA-TECHLOG: last entry 2022-03-01: ✔ purge 2025-03-02 ✘ purge 2025-02-28', () => {
    ok(
      audit(
        'RET-EASA-TECHLOG',
        purge(['TECH_LOG'], { last_entry_date: '2022-03-01' }, '2025-03-02T00:00:00Z'),
      ),
    );
    fails(
      audit(
        'RET-EASA-TECHLOG',
        purge(['TECH_LOG'], { last_entry_date: '2022-03-01' }, '2025-02-28T00:00:00Z'),
      ),
    );
  });
  it('RET-MAX: 145.219 (2 y) and 145.A.55 (3 y) both apply ⇒ 3 y; a legal hold refuses any purge', () => {
    const both = purge(
      ['REPAIR_STATION', 'AMO'],
      { rts_date: '2022-05-31', crs_date: '2022-05-31' },
      '2024-12-01T00:00:00Z',
    );
    ok(audit('RET-FAA-145.219-c', both));
    fails(audit('RET-EASA-145.A.55', both));
    fails(
      audit(
        'RET-MAX',
        purge(['AMO'], { crs_date: '2020-01-01' }, '2025-06-01T00:00:00Z', { legal_hold: true }),
      ),
    );
    fails(audit('RET-MAX', { action: 'PURGE', retention: null }));
  });
  it('a missing date refuses the purge (fail closed)', () =>
    fails(audit('RET-EASA-145.A.55', purge(['AMO'], {}, '2025-06-01T00:00:00Z'))));
});

describe('CAMO-A.220 (also ESIG-BACKUP-1): backup of the compliance audit store, record received 2025-05-31T10:00Z', () => {
  const received = new Date('2025-05-31T10:00:00Z');
  const withBackup = (at: string | null) => {
    const r = roster();
    if (at !== null)
      r.apply('backups', 'compliance-audit', {
        system: 'compliance-audit',
        last_offsite_backup_at: at,
        location: 'Hamburg vault',
      });
    return audit('CAMO-A.220', {}, { now: received, reference: r });
  };
  it('✔ last backup 2025-05-31T23:00Z', () => ok(withBackup('2025-05-31T23:00:00Z')));
  it('✔ last backup exactly 24 h before', () => ok(withBackup('2025-05-30T10:00:00Z')));
  it('✘ last backup 2025-05-29T23:00Z', () => fails(withBackup('2025-05-29T23:00:00Z')));
  it('✘ no backup on record (fails closed)', () => fails(withBackup(null)));
  it('a backup status without its off-site location is refused by the loader', () =>
    assert.throws(
      () =>
        roster().apply('backups', 'compliance-audit', {
          system: 'compliance-audit',
          last_offsite_backup_at: '2025-05-31T23:00:00Z',
        }),
      /location/,
    ));
});
