import { describe, it } from 'node:test';
import { AUDIT, audit, fails, HASH, ok, roster, SHARED, SUPPORT } from './audit.ts';
import { run } from './harness.ts';
import { BADGE } from './logbook.ts';

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
