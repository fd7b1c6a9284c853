import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from './harness.ts';

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
