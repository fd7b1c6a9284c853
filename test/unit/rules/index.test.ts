/**
 * judge(), the one door of rules/: which rule set judges a record, and where the reference-data
 * rules are judged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../../rules/index.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { base, NOW } from './harness.ts';
import { reference } from './reference.ts';

describe('judge: rule set selection', () => {
  const ctx = (reg: string) => ({
    work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
    aircraft_registration: reg,
    technician_badge_hash: '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2',
  });
  it('a clean EASA record has no findings', () => {
    const j = judge(
      'parts-trace',
      base,
      ctx('D-AIBL'),
      { ...DEFAULT_RULE_PARAMS, serialChecksum: 'error' },
      NOW,
    );
    assert.equal(j.ruleSet, 'EASA');
    assert.deepEqual([...j.errors, ...j.warnings], []);
  });
  it('under OTHER only structural rules run, and the record is flagged for review', () => {
    const j = judge(
      'parts-trace',
      {
        ...base,
        aircraft_registration: 'JA8089',
        airworthiness_certificate_ref: null,
        installation_date: '2030-01-01T00:00:00Z',
      },
      ctx('JA8089'),
      DEFAULT_RULE_PARAMS,
      NOW,
    );
    assert.equal(j.ruleSet, 'OTHER');
    assert.deepEqual(j.errors, [], 'TRACE-DATE-1 and TRACE-CERT-* are not structural');
    assert.deepEqual(
      j.warnings.map((w) => w.rule),
      ['CTX-RS-1'],
    );
  });
  it('FAA rules do not run on an EASA aircraft, and EASA rules not on an FAA one', () => {
    const noAcr = { ...base, airworthiness_certificate_ref: null };
    assert.deepEqual(
      judge('parts-trace', noAcr, ctx('D-AIBL'), DEFAULT_RULE_PARAMS, NOW).errors.map((e) => e.rule),
      ['TRACE-CERT-EASA'],
    );
    const faa = judge(
      'parts-trace',
      { ...noAcr, aircraft_registration: 'N123AZ' },
      ctx('N123AZ'),
      DEFAULT_RULE_PARAMS,
      NOW,
    );
    assert.deepEqual(
      faa.errors.map((e) => e.rule),
      ['TRACE-CERT-FAA'],
    );
  });
});

describe('reference-data rules in the catalogue', () => {
  const context = {
    work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
    aircraft_registration: 'D-AIBL',
    technician_badge_hash: 'd'.repeat(64),
  };
  const record = { ...base, installation_date: '2025-03-01T10:00:00Z' };
  it('are judged where the reference data is (the validators): an unknown badge is rejected', () => {
    const j = judge('parts-trace', record, context, DEFAULT_RULE_PARAMS, NOW, reference());
    assert.deepEqual(
      j.errors.map((e) => e.rule),
      ['CTX-BADGE-2'],
    );
  });
  it('are skipped without reference data (the ingress) and when switched off', () => {
    assert.deepEqual(judge('parts-trace', record, context, DEFAULT_RULE_PARAMS, NOW).errors, []);
    const off = { ...DEFAULT_RULE_PARAMS, referenceData: 'off' as const };
    assert.deepEqual(judge('parts-trace', record, context, off, NOW, reference()).errors, []);
  });
});
