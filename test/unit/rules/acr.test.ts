/**
 * The release-certificate rules (REGULATORY.md §6 ACR) with the catalogue's vectors; ACR-ITEM-1 and
 * the reference-data half of ACR-APPR-1 against an in-memory copy of the reference topics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseTracking } from '../../../rules/acr/ACR-NORM-1.ts';
import { run, severities } from './harness.ts';
import { approver, crs, easa, faa, fails, ok } from './logbook.ts';
import { authorityReference, withRef } from './reference.ts';

const acr = (id: string, ref: string) => run(id, { airworthiness_certificate_ref: ref });

describe('ACR-SEED-1', () => {
  for (const v of ['FAA-ABCR123X-42965-37-1', 'EASA-DE-145-0123-F1-2025-000481'])
    it(`✔ ${v}`, () => assert.deepEqual(acr('ACR-SEED-1', v), []));
  for (const v of ['FAA-', 'faa-X', 'FAA-A--B', 'FAA-A-', `EASA-${'A'.repeat(60)}`, 'FAA--', 'EASA---']) {
    it(`✘ ${v.slice(0, 20)}`, () => assert.equal(acr('ACR-SEED-1', v).length, 1));
  }
});

describe('ACR-FAA-1', () => {
  for (const v of ['FAA-ABCR123X-42965-37-1', 'FAA-PAH0042-2025-000481'])
    it(`✔ ${v}`, () => assert.deepEqual(acr('ACR-FAA-1', v), []));
  for (const v of ['FAA-ABCR123X--1', 'FAA-ABCR123X-1-'])
    it(`✘ ${v}`, () => assert.equal(acr('ACR-FAA-1', v).length, 1));
  it('✘ faa-ABCR123X-1 (lowercase fails ACR-SEED-1)', () =>
    assert.equal(acr('ACR-SEED-1', 'faa-ABCR123X-1').length, 1));
});

describe('ACR-EASA-1', () => {
  for (const v of ['EASA-DE-145-0123-F1-2025-000481', 'EASA-EASA-145-0163-7781'])
    it(`✔ ${v}`, () => assert.deepEqual(acr('ACR-EASA-1', v), []));
  for (const v of ['EASA-DE.145.0123-1', 'EASA-DE-145-0123'])
    it(`✘ ${v}`, () => assert.equal(acr('ACR-EASA-1', v).length, 1));
  it('✘ CAA-UK-145-00123-1 (authority not in the envelope: ACR-SEED-1)', () =>
    assert.equal(acr('ACR-SEED-1', 'CAA-UK-145-00123-1').length, 1));
});

describe('ACR-STATUS-1', () => {
  it('✔ INSPECTED/TESTED', () =>
    assert.deepEqual(run('ACR-STATUS-1', { release_status: 'INSPECTED/TESTED' }), []));
  for (const v of ['INSPECTED', 'installed'])
    it(`✘ ${v}`, () => assert.equal(run('ACR-STATUS-1', { release_status: v }).length, 1));
});

describe('ACR-DATE-1 (vectors of TRACE-DATE-3: release 2025-02-01)', () => {
  it('✔ 2025-02-01T08:00:00+01:00', () =>
    assert.deepEqual(
      run('ACR-DATE-1', { release_date: '2025-02-01', installation_date: '2025-02-01T08:00:00+01:00' }),
      [],
    ));
  it('✘ 2025-01-15T08:00:00Z', () =>
    assert.equal(
      run('ACR-DATE-1', { release_date: '2025-02-01', installation_date: '2025-01-15T08:00:00Z' }).length,
      1,
    ));
});

describe('ACR-NORM-1 (WARN)', () => {
  const norm = (raw: string, ref: string) =>
    run('ACR-NORM-1', { form_tracking_number_raw: raw, airworthiness_certificate_ref: ref });
  for (const [raw, normal] of [
    ['SAE 2210/123', 'SAE-2210-123'],
    [' 42965-37-1 ', '42965-37-1'],
    ['f1/2025//000481', 'F1-2025-000481'],
  ] as const) {
    it(`${JSON.stringify(raw)} → ${normal}`, () => {
      assert.equal(normaliseTracking(raw), normal);
      assert.deepEqual(norm(raw, `FAA-ABCR123X-${normal}`), []);
      assert.deepEqual(norm(raw, `EASA-DE-145-0123-${normal}`), []);
    });
  }
  it('✘ the raw value names another certificate than the reference', () =>
    assert.deepEqual(severities(norm('F1/2025/000482', 'EASA-DE-145-0123-F1-2025-000481')), ['WARN']));
  it('✔ no raw value, or a reference outside the envelopes: nothing to compare', () => {
    assert.deepEqual(run('ACR-NORM-1', { form_tracking_number_raw: null }), []);
    assert.deepEqual(norm('x', 'FAA-'), []);
  });
});

describe('ACR-APPR-1 (WARN)', () => {
  const appr = (ref: string) => easa('ACR-APPR-1', { crs: { ...crs, organisation_approval_ref: ref } });
  for (const v of ['EASA.145.0163', 'DE.145.0123', 'UK.145.00123', 'FR.CAMO.0042'])
    it(`✔ ${v}`, () => ok(appr(v)));
  for (const v of ['DE-145-0123', '145.0123', 'de.145.0123'])
    it(`✘ ${v}`, () => assert.deepEqual(severities(appr(v)), ['WARN']));
});

describe('ACR-APPR-2 (WARN)', () => {
  const station = (n: string) =>
    faa('ACR-APPR-2', {
      approver: { ...approver, certificate_kind: 'REPAIR_STATION', certificate_number: n },
    });
  it('✔ ABCR123X', () => ok(station('ABCR123X')));
  for (const v of ['ABC-R-123-X', 'ABCR12X'])
    it(`✘ ${v}`, () => assert.deepEqual(severities(station(v)), ['WARN']));
  it('✔ a mechanic certificate number is not an air-agency number', () => ok(faa('ACR-APPR-2', {})));
});

describe('ACR-ITEM-1', () => {
  it('✔ PN/SN equal', () => assert.deepEqual(withRef('ACR-ITEM-1', {}), []));
  it('✘ SN SN12345K vs block 10 SN12346K', () =>
    assert.deepEqual(
      withRef('ACR-ITEM-1', { serial_number: 'SN12346K' }).map((f) => f.path),
      ['/serial_number'],
    ));
  it('✔ batch item with block 10 N/A', () =>
    assert.deepEqual(
      withRef('ACR-ITEM-1', {
        airworthiness_certificate_ref: 'EASA-DE-145-0123-F1-2025-000482',
        serial_number: 'LOT-7',
      }),
      [],
    ));
  it('✘ a certificate that is not on file', () =>
    assert.deepEqual(
      withRef('ACR-ITEM-1', { airworthiness_certificate_ref: 'EASA-DE-145-0123-F1-2025-999999' }).map(
        (f) => f.path,
      ),
      ['/airworthiness_certificate_ref'],
    ));
});

const approval = (ref: string, withdrawn: Partial<Record<string, unknown>> = {}) =>
  easa(
    'ACR-APPR-1',
    { crs: { ...crs, organisation_approval_ref: ref } },
    undefined,
    authorityReference({}, withdrawn),
  );

describe('ACR-APPR-1 (known approvals)', () => {
  it('✔ DE.145.0123, a known approval', () => ok(approval('DE.145.0123')));
  it('✘ DE.145.9999, well formed but unknown', () => fails(approval('DE.145.9999')));
  it('✘ de.145.0123: format WARN and unknown ERROR', () =>
    assert.deepEqual(severities(approval('de.145.0123')), ['WARN', 'ERROR']));
  it('✘ withdrawn 2025-03-01, CRS 2025-03-14', () =>
    fails(approval('DE.145.0123', { withdrawn_at: '2025-03-01' })));
  it('✔ withdrawn 2025-04-01, after the CRS', () =>
    ok(approval('DE.145.0123', { withdrawn_at: '2025-04-01' })));
  it('✘ withdrawn on the CRS day (2025-03-14T00:30+02:00 is the 13th in UTC)', () =>
    fails(
      easa(
        'ACR-APPR-1',
        { crs: { ...crs, issued_at: '2025-03-14T00:30:00+02:00' } },
        undefined,
        authorityReference({}, { withdrawn_at: '2025-03-14' }),
      ),
    ));
  it('✘ granted 2025-04-01, after the CRS', () =>
    fails(approval('DE.145.0123', { valid_from: '2025-04-01' })));
});
