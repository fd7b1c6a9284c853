import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mod3736CheckChar, mod3736Valid } from '../../../rules/lib/mod37-36.ts';
import { run, severities } from './harness.ts';

describe('SN-FMT-1', () => {
  for (const v of ['SN12345K', 'SN-12345-K'])
    it(`✔ ${v}`, () => assert.deepEqual(run('SN-FMT-1', { serial_number: v }), []));
  for (const v of ['sn12345k', 'SN--12345K', 'SN12345K-', 'SN12 345K', 'K']) {
    it(`✘ ${v}`, () => assert.equal(run('SN-FMT-1', { serial_number: v }).length, 1));
  }
});

describe('SN-CHK-V: check-character vectors', () => {
  const v: Record<string, string> = {
    A1B2C3: '3',
    ZZZZ: '9',
    '0': '2',
    AB12XY7890: '6',
    SN67890: 'A',
    '1234567890': 'I',
    '123AB': 'X',
    DADPIDA3897722461: 'J',
    A12425GABC1234002: 'M',
    SN12345: 'K',
  };
  for (const [payload, check] of Object.entries(v))
    it(`${payload} → ${check}`, () => assert.equal(mod3736CheckChar(payload), check));
  it('catches the transposition IJQ3JMQQ1N2 ↔ JIQ3JMQQ1N2 only as the standard says (one undetected)', () => {
    const c = mod3736CheckChar('IJQ3JMQQ1N2');
    assert.ok(c && mod3736Valid(`JIQ3JMQQ1N2${c}`));
  });
});

describe('SN-CHK-1', () => {
  for (const v of ['SN12345K', 'SN-12345-K', 'A1B2C33', '123ABX', 'SN67890A']) {
    it(`✔ ${v}`, () =>
      assert.deepEqual(run('SN-CHK-1', { serial_number: v }, { params: { serialChecksum: 'error' } }), []));
  }
  for (const v of ['SN12345', 'SN12345X', 'SN12354K', 'SN12346K', '5N12345K']) {
    it(`✘ ${v}`, () =>
      assert.deepEqual(
        severities(run('SN-CHK-1', { serial_number: v }, { params: { serialChecksum: 'error' } })),
        ['ERROR'],
      ));
  }
  it('is WARN by default (OEM serials carry no check character) and silent when off', () => {
    assert.deepEqual(severities(run('SN-CHK-1', { serial_number: 'SN12345' })), ['WARN']);
    assert.deepEqual(
      run('SN-CHK-1', { serial_number: 'SN12345' }, { params: { serialChecksum: 'off' } }),
      [],
    );
  });
});

describe('SN-CHK-1 per issuer (longest certificate-ref prefix wins)', () => {
  const byIssuer = {
    'EASA-DE-145-0123-': 'error',
    'EASA-DE-145-0123-F1-2025-': 'off',
    'FAA-': 'warn',
  } as const;
  const at = (ref: string) =>
    severities(
      run(
        'SN-CHK-1',
        { serial_number: 'SN12345', airworthiness_certificate_ref: ref },
        { params: { serialChecksumByIssuer: byIssuer } },
      ),
    );
  it('ERROR for a serial released by the organisation that issues check characters', () =>
    assert.deepEqual(at('EASA-DE-145-0123-F1-2024-000001'), ['ERROR']));
  it('a longer prefix overrides (off)', () => assert.deepEqual(at('EASA-DE-145-0123-F1-2025-000481'), []));
  it('an unmatched issuer falls back to the global level (WARN)', () =>
    assert.deepEqual(at('EASA-FR-145-0042-F1-2025-1'), ['WARN']));
  it('a valid check character passes whatever the issuer', () =>
    assert.deepEqual(
      run(
        'SN-CHK-1',
        { serial_number: 'SN12345K', airworthiness_certificate_ref: 'EASA-DE-145-0123-X' },
        { params: { serialChecksumByIssuer: byIssuer } },
      ),
      [],
    ));
});

describe('PN-FMT-1', () => {
  for (const v of ['2314567-3', 'MS20470AD4-6', 'S1234-5/A', '65-44961-7'])
    it(`✔ ${v}`, () => assert.deepEqual(run('PN-FMT-1', { part_number: v }), []));
  for (const v of [' 123', '123 45', 'ab-12', '-123', 'A'.repeat(33)])
    it(`✘ ${v.slice(0, 12)}`, () => assert.equal(run('PN-FMT-1', { part_number: v }).length, 1));
});

describe('LOT-FMT-1', () => {
  for (const v of ['L2025-0412', 'B7'])
    it(`✔ ${v}`, () => assert.deepEqual(run('LOT-FMT-1', { batch_lot_code: v }), []));
  for (const v of ['LOT 7', 'A'.repeat(21), 'lot-7'])
    it(`✘ ${v}`, () => assert.equal(run('LOT-FMT-1', { batch_lot_code: v }).length, 1));
});

describe('PART-ID-1', () => {
  it('✔ {serial_number:"N/A", batch_lot_code:"L2025-0412"}', () =>
    assert.deepEqual(run('PART-ID-1', { serial_number: 'N/A', batch_lot_code: 'L2025-0412' }), []));
  it('✘ {serial_number:"N/A"}', () => assert.equal(run('PART-ID-1', { serial_number: 'N/A' }).length, 1));
  it('✔ {serial_number:"SN12345K"}', () =>
    assert.deepEqual(run('PART-ID-1', { serial_number: 'SN12345K' }), []));
  it('N/A skips SN-FMT-1 and SN-CHK-1', () => {
    assert.deepEqual(run('SN-FMT-1', { serial_number: 'N/A' }), []);
    assert.deepEqual(run('SN-CHK-1', { serial_number: 'N/A' }, { params: { serialChecksum: 'error' } }), []);
  });
});

describe('PART-STAT-1', () => {
  for (const v of ['installed', 'removed', 'inspected'])
    it(`✔ ${v}`, () => assert.deepEqual(run('PART-STAT-1', { installation_status: v }), []));
  for (const v of ['Installed', 'overhauled', 'INSPECTED/TESTED', ''])
    it(`✘ "${v}"`, () => assert.equal(run('PART-STAT-1', { installation_status: v }).length, 1));
});
