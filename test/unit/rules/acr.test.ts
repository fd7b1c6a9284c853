import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseTracking } from '../../../rules/acr/ACR-NORM-1.ts';
import { run, severities } from './harness.ts';

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

describe('CTX-WO-2 (WARN)', () => {
  const wo = (v: string | null, patch: Record<string, unknown> = {}) =>
    run('CTX-WO-2', { external_work_order_ref: v, ...patch });
  for (const v of ['WO-88123/B', 'INV 2025-0042']) it(`✔ ${v}`, () => assert.deepEqual(wo(v), []));
  it('✘ "" when a release ref is present', () => assert.deepEqual(severities(wo('')), ['WARN']));
  it('✘ missing when a release ref is present', () => assert.deepEqual(severities(wo(null)), ['WARN']));
  it('✔ missing on a record without a release certificate', () =>
    assert.deepEqual(wo(null, { airworthiness_certificate_ref: null }), []));
  it('✘ over 40 characters', () => assert.deepEqual(severities(wo('W'.repeat(41))), ['WARN']));
  it("✘ Airlock's own work_order_id in its place", () =>
    assert.deepEqual(severities(wo('3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c')), ['WARN']));
});
