/**
 * The parts-traceability rules (REGULATORY.md §8 TRACE) with the catalogue's vectors; TRACE-DATE-2
 * and TRACE-DATE-3 against an in-memory copy of the reference topics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run, severities } from './harness.ts';
import { reference, withRef } from './reference.ts';

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

describe('TRACE-DATE-2 (aircraft built 2015-04-01)', () => {
  it('✔ 2015-04-01T12:00:00Z', () =>
    assert.deepEqual(withRef('TRACE-DATE-2', { installation_date: '2015-04-01T12:00:00Z' }), []));
  it('✘ 2014-12-31T00:00:00Z', () =>
    assert.equal(withRef('TRACE-DATE-2', { installation_date: '2014-12-31T00:00:00Z' }).length, 1));
  it('WARN when the aircraft is not in the fleet master', () =>
    assert.deepEqual(
      severities(run('TRACE-DATE-2', {}, { registration: 'D-AIBA', reference: reference() })),
      ['WARN'],
    ));
});

describe('TRACE-DATE-3 (release 2025-02-01)', () => {
  it('✔ 2025-02-01T08:00:00+01:00', () =>
    assert.deepEqual(withRef('TRACE-DATE-3', { installation_date: '2025-02-01T08:00:00+01:00' }), []));
  it('✘ 2025-01-15T08:00:00Z', () =>
    assert.equal(withRef('TRACE-DATE-3', { installation_date: '2025-01-15T08:00:00Z' }).length, 1));
  it('✔ a removal is not judged against the release date', () =>
    assert.deepEqual(
      withRef('TRACE-DATE-3', { installation_status: 'removed', installation_date: '2025-01-15T08:00:00Z' }),
      [],
    ));
});
