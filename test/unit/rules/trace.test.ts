import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../../rules/index.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { base, NOW, run, severities } from './harness.ts';

describe('TRACE-CERT-EASA (EASA and UK_CAA)', () => {
  it('✔ EASA-DE-145-0123-F1-2025-000481', () => assert.deepEqual(run('TRACE-CERT-EASA', {}), []));
  it('✘ missing ACR on a rotable', () =>
    assert.equal(run('TRACE-CERT-EASA', { airworthiness_certificate_ref: null }).length, 1));
  it('✔ AN/MS standard part with conformity_ref', () =>
    assert.deepEqual(
      run('TRACE-CERT-EASA', {
        airworthiness_certificate_ref: null,
        standard_part: true,
        conformity_ref: 'CoC 2025-0412',
      }),
      [],
    ));
  it('applies to G- (UK_CAA) too', () =>
    assert.equal(
      run('TRACE-CERT-EASA', { airworthiness_certificate_ref: null }, { registration: 'G-EUPT' }).length,
      1,
    ));
});

describe('TRACE-CERT-FAA (FAA)', () => {
  const faa = { registration: 'N123AZ' };
  it('✔ FAA-ABCR123X-42965-37-1', () =>
    assert.deepEqual(
      run('TRACE-CERT-FAA', { airworthiness_certificate_ref: 'FAA-ABCR123X-42965-37-1' }, faa),
      [],
    ));
  it('✔ (WARN) eligibility_doc_ref "PMA marking + invoice 7781"', () =>
    assert.deepEqual(
      severities(
        run(
          'TRACE-CERT-FAA',
          { airworthiness_certificate_ref: null, eligibility_doc_ref: 'PMA marking + invoice 7781' },
          faa,
        ),
      ),
      ['WARN'],
    ));
  it('✘ neither', () =>
    assert.deepEqual(severities(run('TRACE-CERT-FAA', { airworthiness_certificate_ref: null }, faa)), [
      'ERROR',
    ]));
});

describe('TRACE-LLP-1', () => {
  const removed = { life_limited: true, installation_status: 'removed' };
  it('✔ {life_status:{cycles:18321, limit_cycles:20000}, disposition:"RECORD"}', () =>
    assert.deepEqual(
      run('TRACE-LLP-1', {
        ...removed,
        life_status: { cycles: 18321, limit_cycles: 20000 },
        disposition: 'RECORD',
      }),
      [],
    ));
  it('✘ LLP removal without life_status', () =>
    assert.deepEqual(
      run('TRACE-LLP-1', { ...removed, disposition: 'RECORD' }).map((f) => f.path),
      ['/life_status'],
    ));
  it('✔ temporary removal flag, same ESN', () =>
    assert.deepEqual(run('TRACE-LLP-1', { ...removed, temporary_same_product: true }), []));
});

describe('TRACE-LLP-2', () => {
  const installed = { life_limited: true, installation_status: 'installed' };
  it('✔ 18321/20000', () =>
    assert.deepEqual(
      run('TRACE-LLP-2', { ...installed, life_status: { cycles: 18321, limit_cycles: 20000 } }),
      [],
    ));
  it('✘ 20000/20000', () =>
    assert.equal(
      run('TRACE-LLP-2', { ...installed, life_status: { cycles: 20000, limit_cycles: 20000 } }).length,
      1,
    ));
});

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
