/**
 * Reference data (rules/refdata.ts, scripts/lib/ref-load.ts): ERP exports read and validated whole,
 * and the in-memory copy the rules read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadContract } from '../../../core/contract.ts';
import { TOOL_TYPES } from '../../../rules/refdata.ts';
import { RefFileError, readRows, validateRows } from '../../../scripts/lib/ref-load.ts';
import { BADGE } from './logbook.ts';
import { register, TW_0042 } from './measurement.ts';
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

describe('the tool register (kind tools, MEAS-CAL-1)', () => {
  const { calibration_due: _, ...undated } = TW_0042;
  it('reads a CSV export: an empty withdrawn_at is null, standard may be left out', () => {
    const csv =
      'tool_id,tool_type,calibration_certificate_ref,calibrated_on,calibration_due,withdrawn_at\n' +
      'TW-0042,TORQUE_WRENCH,CAL-2025-0042-03,2025-05-01,2026-04-30,\n';
    assert.deepEqual(validateRows('tools', readRows(csv, 'csv')), [
      {
        key: 'TW-0042',
        value: {
          tool_id: 'TW-0042',
          tool_type: 'TORQUE_WRENCH',
          calibration_certificate_ref: 'CAL-2025-0042-03',
          calibrated_on: '2025-05-01',
          calibration_due: '2026-04-30',
          withdrawn_at: null,
          standard: null,
        },
      },
    ]);
  });
  it('refuses a tool without calibration_due', () => {
    assert.throws(() => validateRows('tools', [undated]), /record 1: calibration_due/);
    assert.throws(() => register({ calibration_due: undefined }), /calibration_due/);
  });
  it('refuses a calibration_due before calibrated_on, a tool type not in the schema, an unknown field', () => {
    assert.throws(
      () => register({ calibration_due: '2025-04-30' }),
      /calibration_due is before calibrated_on/,
    );
    assert.doesNotThrow(() => register({ calibration_due: '2025-05-01' }));
    assert.throws(() => register({ tool_type: 'HAMMER' }), /tool_type/);
    assert.throws(() => register({ colour: 'red' }), /colour/);
    assert.throws(() => register({ calibrated_on: '2025-02-30' }), /calibrated_on/);
  });
  it("the tool types are avro/measurement.avsc's ToolType symbols", () => {
    const fields = loadContract().get('measurements')?.payloadSchema.fields as {
      name: string;
      type: unknown;
    }[];
    const type = fields.find((f) => f.name === 'tool_type')?.type as { symbols: string[] };
    assert.deepEqual(type.symbols, [...TOOL_TYPES]);
  });
});
