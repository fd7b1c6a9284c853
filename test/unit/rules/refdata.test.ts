/**
 * Reference data (rules/refdata.ts, scripts/lib/ref-load.ts): ERP exports read and validated whole,
 * and the in-memory copy the rules read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefFileError, readRows, validateRows } from '../../../scripts/lib/ref-load.ts';
import { BADGE } from './logbook.ts';
import { authorityReference, reference } from './reference.ts';

describe('reference data: exports and the in-memory copy', () => {
  it('reads CSV (empty cell = null), JSON arrays and NDJSON', () => {
    const csv = 'registration,aircraft_type,manufactured_on\nD-AIBL,A319,2010-06-01\n';
    assert.deepEqual(readRows(csv, 'csv'), [
      { registration: 'D-AIBL', aircraft_type: 'A319', manufactured_on: '2010-06-01' },
    ]);
    assert.deepEqual(readRows('a,b\n1,\n', 'csv'), [{ a: '1', b: null }]);
    assert.deepEqual(readRows('[{"a":1}]', 'json'), [{ a: 1 }]);
    assert.deepEqual(readRows('{"a":1}\n\n{"a":2}\n', 'ndjson'), [{ a: 1 }, { a: 2 }]);
    assert.throws(() => readRows('{"a":1}', 'json'), RefFileError);
    assert.throws(() => readRows('', 'json'), /not JSON/);
    assert.throws(() => readRows('a,b\n1,2,3\n', 'csv'), /CSV file cannot be read/);
    assert.throws(() => readRows('{"a":1}\nnope', 'ndjson'), /line 2/);
  });
  it('refuses a whole file for any bad record, naming each, and duplicates', () => {
    assert.throws(
      () =>
        validateRows('fleet', [
          { registration: 'D-AIBL', aircraft_type: 'A319', manufactured_on: '2010-06-01' },
          { registration: 'D-AIBM', aircraft_type: 'A319' },
          { registration: 'D-AIBL', aircraft_type: 'A320', manufactured_on: '2011-06-01' },
          { registration: 'D-AIBN', aircraft_type: 'A319', manufactured_on: 'yesterday', colour: 'red' },
        ]),
      (err: unknown) =>
        err instanceof RefFileError &&
        /record 2: manufactured_on/.test(err.message) &&
        /record 3: duplicate registration D-AIBL/.test(err.message) &&
        /record 4: .*manufactured_on/.test(err.message) &&
        /record 4: .*colour/.test(err.message),
    );
    assert.equal(
      validateRows('technicians', [{ badge_hash: BADGE, name: 'A', active_from: '2015-01-01' }]).length,
      1,
    );
  });
  it('a tombstone deletes; a value must carry its own key', () => {
    const r = reference();
    r.apply('fleet', 'D-AIBL', null);
    assert.equal(r.get('fleet', 'D-AIBL'), undefined);
    assert.throws(
      () =>
        r.apply('fleet', 'D-AIBX', {
          registration: 'D-AIBL',
          aircraft_type: 'A319',
          manufactured_on: '2010-06-01',
        }),
      /not its key/,
    );
  });
});

describe('the roster fields of an ERP export', () => {
  it('a CSV cell lists the authorisation scope separated by semicolons', () => {
    const r = authorityReference({ authorisation_scope: 'A320/B1; A319/B2' as unknown as string[] });
    assert.deepEqual(r.get('technicians', BADGE)?.authorisation_scope, ['A320/B1', 'A319/B2']);
  });
  it('a date that is not a calendar date or an RFC 3339 date-time is refused', () => {
    for (const bad of ['2025-03-01x', '2025-13-45', '2030-02-30', '2025-03-01T10:00:00'])
      assert.throws(() => authorityReference({ licence_valid_until: bad }), /licence_valid_until/, bad);
    for (const good of ['2025-03-01', '2025-03-01T10:00:00Z', '2025-03-01T10:00:00+01:00'])
      assert.doesNotThrow(() => authorityReference({ licence_valid_until: good }), good);
  });
  it('a scope that is not <type>/<category> is refused', () =>
    assert.throws(() => authorityReference({ authorisation_scope: ['A320'] }), /authorisation_scope/));
});
