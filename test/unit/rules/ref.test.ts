/**
 * The reference-data rules (CTX-BADGE-2, TRACE-DATE-2, TRACE-DATE-3, ACR-ITEM-1) with the
 * catalogue's vectors against an in-memory copy of the reference topics, and the loader's parsing
 * and validation of ERP exports.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../../rules/index.ts';
import { ReferenceMaps } from '../../../rules/refdata.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { RefFileError, readRows, validateRows } from '../../../scripts/lib/ref-load.ts';
import { base, NOW, run, severities } from './harness.ts';

const BADGE = '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2';
const GONE = 'b'.repeat(64);
const SHARED = 'c'.repeat(64);

function reference(): ReferenceMaps {
  const r = new ReferenceMaps();
  r.apply('technicians', BADGE, { badge_hash: BADGE, name: 'A. Person', active_from: '2015-01-01' });
  r.apply('technicians', GONE, {
    badge_hash: GONE,
    name: 'B. Left',
    active_from: '2015-01-01',
    deactivated_at: '2025-05-01',
  });
  r.apply('technicians', SHARED, {
    badge_hash: SHARED,
    name: 'HANGAR-3',
    kind: 'SHARED',
    active_from: '2015-01-01',
  });
  r.apply('fleet', 'D-AIBL', {
    registration: 'D-AIBL',
    aircraft_type: 'A319',
    manufactured_on: '2015-04-01',
  });
  r.apply('releases', 'EASA-DE-145-0123-F1-2025-000481', {
    certificate_ref: 'EASA-DE-145-0123-F1-2025-000481',
    part_number: '2314567-3',
    serial_number: 'SN12345K',
    release_date: '2025-02-01',
  });
  r.apply('releases', 'EASA-DE-145-0123-F1-2025-000482', {
    certificate_ref: 'EASA-DE-145-0123-F1-2025-000482',
    part_number: '2314567-3',
    serial_number: 'N/A',
    release_date: '2025-02-01',
  });
  return r;
}
const withRef = (id: string, patch: Record<string, unknown>, badge = BADGE) => {
  const ref = reference();
  // The harness's context carries the sample badge; another badge is looked up by swapping it in.
  if (badge !== BADGE) {
    const t = ref.get('technicians', badge);
    ref.apply('technicians', BADGE, t ? { ...t, badge_hash: BADGE } : null);
  }
  return run(id, patch, { reference: ref });
};

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

describe('ACR-ITEM-1', () => {
  it('✔ PN/SN equal', () => assert.deepEqual(withRef('ACR-ITEM-1', {}), []));
  it('✘ SN SN12345K vs block 10 SN12346K', () =>
    assert.deepEqual(
      withRef('ACR-ITEM-1', { serial_number: 'SN12346K' }).map((f) => f.path),
      ['/serial_number'],
    ));
  it('✔ batch item with block 10 N/A', () =>
    assert.deepEqual(
      withRef('ACR-ITEM-1', {
        airworthiness_certificate_ref: 'EASA-DE-145-0123-F1-2025-000482',
        serial_number: 'LOT-7',
      }),
      [],
    ));
  it('✘ a certificate that is not on file', () =>
    assert.deepEqual(
      withRef('ACR-ITEM-1', { airworthiness_certificate_ref: 'EASA-DE-145-0123-F1-2025-999999' }).map(
        (f) => f.path,
      ),
      ['/airworthiness_certificate_ref'],
    ));
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
