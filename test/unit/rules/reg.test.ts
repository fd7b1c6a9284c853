import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ruleSetFor } from '../../../rules/registration/marks.ts';
import { REGISTRATION_TABLE } from '../../../rules/registration/table.ts';
import { run, severities } from './harness.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../../../rules/registration/vectors.json', import.meta.url), 'utf8'),
) as {
  marks: string[];
  ruleSet: string;
  valid: string[];
  invalid: string[];
}[];

describe('REG-ICAO-2 / REG-N-1: the per-state table (REGULATORY.md §2)', () => {
  it('every valid vector matches exactly one row: the rows are disjoint', () => {
    for (const v of vectors.flatMap((r) => r.valid)) {
      const rows = REGISTRATION_TABLE.filter((r) => r.pattern.test(v));
      assert.equal(rows.length, 1, `${v} matches ${rows.length} rows`);
    }
  });
  for (const row of vectors) {
    for (const v of row.valid) {
      it(`${row.marks.join('/')}: ${v} passes`, () => {
        assert.deepEqual(
          [...run('REG-ICAO-2', {}, { registration: v }), ...run('REG-N-1', {}, { registration: v })].filter(
            (f) => f.severity === 'ERROR',
          ),
          [],
        );
      });
    }
    for (const v of row.invalid) {
      it(`${row.marks.join('/')}: ${v} fails`, () => {
        const f = [...run('REG-ICAO-2', {}, { registration: v }), ...run('REG-N-1', {}, { registration: v })];
        assert.ok(f.length > 0, `${v} was accepted`);
      });
    }
  }
  it('REG-ICAO-2 is ERROR for a known EASA state and WARN under rule set OTHER', () => {
    assert.deepEqual(severities(run('REG-ICAO-2', {}, { registration: 'D-ZABC' })), ['ERROR']);
    assert.deepEqual(severities(run('REG-ICAO-2', {}, { registration: 'JA-8089' })), ['WARN']);
    const unknown = run('REG-ICAO-2', {}, { registration: 'ZZ-ABC' });
    assert.deepEqual(severities(unknown), ['WARN']);
    assert.match(unknown[0]?.message ?? '', /UNKNOWN_NATIONALITY_MARK/);
  });
  it('REG-N-1: N1–N99 are valid format but reserved (WARN); N0123, N123456, N12I, N1ABC, N-12345 fail', () => {
    assert.deepEqual(severities(run('REG-N-1', {}, { registration: 'N1' })), ['WARN']);
    assert.deepEqual(severities(run('REG-N-1', {}, { registration: 'N99' })), ['WARN']);
    assert.deepEqual(run('REG-N-1', {}, { registration: 'N100' }), []);
    for (const v of ['N0123', 'N123456', 'N12I', 'N1ABC', 'N-12345']) {
      assert.deepEqual(severities(run('REG-N-1', {}, { registration: v })), ['ERROR'], v);
    }
  });
});

describe('CTX-RS-1: rule set from the state of registry', () => {
  const cases = {
    N123AZ: 'FAA',
    'D-AIBL': 'EASA',
    'HB-JCA': 'EASA',
    'G-EUPT': 'UK_CAA',
    JA8089: 'OTHER',
    'ZZ-ABC': 'OTHER',
  };
  for (const [reg, set] of Object.entries(cases))
    it(`${reg} → ${set}`, () => assert.equal(ruleSetFor(reg), set));
});

describe('TRACE-REG-1', () => {
  it('✔ both D-AIBL', () =>
    assert.deepEqual(
      run('TRACE-REG-1', { aircraft_registration: 'D-AIBL' }, { registration: 'D-AIBL' }),
      [],
    ));
  it('✘ D-AIBL vs D-AIBM', () => {
    const f = run('TRACE-REG-1', { aircraft_registration: 'D-AIBL' }, { registration: 'D-AIBM' });
    assert.deepEqual(
      f.map((x) => [x.rule, x.path]),
      [['TRACE-REG-1', '/aircraft_registration']],
    );
  });
});
