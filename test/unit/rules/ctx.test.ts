/**
 * The request-context rules (REGULATORY.md §1 CTX) with the catalogue's vectors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferenceMaps } from '../../../rules/refdata.ts';
import { run, severities } from './harness.ts';
import { GONE, SHARED, withRef } from './reference.ts';

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

describe('CTX-BADGE-2', () => {
  it('✔ hash found, active', () => assert.deepEqual(withRef('CTX-BADGE-2', {}), []));
  it('✘ unknown hash', () => {
    const r = new ReferenceMaps();
    assert.equal(run('CTX-BADGE-2', {}, { reference: r }).length, 1);
  });
  it('✘ badge deactivated 2025-05-01 used at 2025-05-20T10:00:00Z', () =>
    assert.equal(withRef('CTX-BADGE-2', { installation_date: '2025-05-20T10:00:00Z' }, GONE).length, 1));
  it('✔ the same badge before it was deactivated', () =>
    assert.deepEqual(withRef('CTX-BADGE-2', { installation_date: '2025-04-20T10:00:00Z' }, GONE), []));
  it('✘ a shared badge is not one natural person', () =>
    assert.equal(withRef('CTX-BADGE-2', {}, SHARED).length, 1));
});
