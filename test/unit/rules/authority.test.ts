/**
 * Who may release: FAA-RTS-1, EASA-145.A.35, EASA-145.A.50-a and ACR-APPR-1's known-approval half,
 * with the catalogue's vectors, against an in-memory roster, fleet master and approvals list.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../../rules/index.ts';
import { ReferenceMaps, type RefValue } from '../../../rules/refdata.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { NOW, severities } from './harness.ts';
import { approver, BADGE, CERTIFYING_PERSON, crs, easa, faa, fails, LOG, ok } from './logbook.ts';

/** The roster holds one person: BADGE, an A&P with IA, EASA certifying staff for A320/B1. */
function reference(person: Partial<RefValue<'technicians'>> = {}, approval: Record<string, unknown> = {}) {
  const r = new ReferenceMaps();
  r.apply('technicians', BADGE, { ...CERTIFYING_PERSON, ...person });
  r.apply('fleet', 'D-AIBL', {
    registration: 'D-AIBL',
    aircraft_type: 'A320',
    manufactured_on: '2010-06-01',
  });
  r.apply('approvals', 'DE.145.0123', {
    approval_ref: 'DE.145.0123',
    organisation: 'Demo Part-145',
    valid_from: '2010-01-01',
    ...approval,
  });
  return r;
}

const annual = { entry_type: 'INSPECTION', inspection_type: 'ANNUAL', work_class: null };
const major = { work_class: 'MAJOR_REPAIR', form_337_ref: '337-2025-0009' };
const rts = (patch: Record<string, unknown>, person: Partial<RefValue<'technicians'>> = {}) =>
  faa('FAA-RTS-1', patch, reference(person));

describe('FAA-RTS-1 (roster)', () => {
  it('✔ annual signed by A&P+IA', () => ok(rts(annual)));
  it('✘ annual signed by A&P without IA', () => fails(rts(annual, { ia_valid_until: null })));
  it('✘ annual signed by A&P whose IA expired 2025-03-13 (entry of 2025-03-14)', () =>
    fails(rts(annual, { ia_valid_until: '2025-03-13' })));
  it('✔ the IA is valid through its last day', () => ok(rts(annual, { ia_valid_until: '2025-03-14' })));
  it('✘ MAJOR_REPAIR RTS by MECHANIC_A without IA', () =>
    fails(
      rts(
        { ...major, approver: { ...approver, certificate_kind: 'MECHANIC_A' } },
        { certificate_kind: 'MECHANIC_A', ia_valid_until: null },
      ),
    ));
  it('✔ MAJOR_REPAIR RTS by an A&P with IA', () => ok(rts(major)));
  it('✔ MAJOR_REPAIR not returned to service needs no IA', () =>
    ok(rts({ ...major, return_to_service: false }, { ia_valid_until: null })));
  it('✔ MAJOR_REPAIR released under a repair station, by a mechanic without IA', () =>
    ok(
      rts(
        {
          ...major,
          approver: { ...approver, certificate_kind: 'REPAIR_STATION', certificate_number: 'ABCR123X' },
        },
        { ia_valid_until: null },
      ),
    ));
  it('✘ a repair station release by a person with no Part 65 certificate', () =>
    fails(
      rts(
        { approver: { ...approver, certificate_kind: 'REPAIR_STATION', certificate_number: 'ABCR123X' } },
        { certificate_kind: null, certificate_number: null },
      ),
    ));
  it('✘ the record claims MECHANIC_AP, the roster lists REPAIRMAN', () =>
    fails(rts({}, { certificate_kind: 'REPAIRMAN' })));
  it('✘ the certificate number is not the roster’s', () =>
    fails(rts({ approver: { ...approver, certificate_number: '9999999' } })));
  it('✘ the approver is not in the roster', () => fails(faa('FAA-RTS-1', {}, new ReferenceMaps())));
  it('✘ the approver was deactivated before the entry', () =>
    fails(rts({}, { deactivated_at: '2025-03-01' })));
  it('✔ the IA is valid through its last day in the entry’s own offset (20:00-05:00 is the 15th in UTC)', () =>
    ok(rts({ ...annual, completion_date: '2025-03-14T20:00:00-05:00' }, { ia_valid_until: '2025-03-14' })));
  it('✘ the approver was deactivated on the day of the entry', () =>
    fails(rts({}, { deactivated_at: '2025-03-14' })));
  it('✔ the record states MECHANIC_A, the roster lists an A&P', () =>
    ok(rts({ approver: { ...approver, certificate_kind: 'MECHANIC_A' } })));
  const hundred = { entry_type: 'INSPECTION', inspection_type: 'HUNDRED_HOUR', work_class: null };
  it('✔ a 100-hour inspection by an A&P without IA', () => ok(rts(hundred, { ia_valid_until: null })));
  it('✘ a 100-hour inspection by a repairman', () =>
    fails(
      rts(
        { ...hundred, approver: { ...approver, certificate_kind: 'REPAIRMAN' } },
        { certificate_kind: 'REPAIRMAN' },
      ),
    ));
  it('✔ a 100-hour inspection released under a repair station', () =>
    ok(
      rts(
        {
          ...hundred,
          approver: { ...approver, certificate_kind: 'REPAIR_STATION', certificate_number: 'ABCR123X' },
        },
        { certificate_kind: 'REPAIRMAN' },
      ),
    ));
  it('judged by the catalogue only where the reference data is (the ingress has none)', () => {
    const context = {
      work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
      aircraft_registration: 'N123AZ',
      technician_badge_hash: BADGE,
    };
    const entry = { ...LOG, ...annual, aircraft_registration: 'N123AZ' };
    const rules = (reference?: ReferenceMaps) =>
      judge('logbook', entry, context, DEFAULT_RULE_PARAMS, NOW, reference)
        .errors.map((f) => f.rule)
        .filter((r) => r === 'FAA-RTS-1');
    assert.deepEqual(rules(), []);
    assert.deepEqual(rules(reference({ ia_valid_until: null })), ['FAA-RTS-1']);
  });
});

const a35 = (patch: Record<string, unknown>, person: Partial<RefValue<'technicians'>> = {}) =>
  easa('EASA-145.A.35', patch, undefined, reference(person));

describe('EASA-145.A.35 (roster, fleet master: D-AIBL is an A320)', () => {
  it('✔ role CERTIFYING_STAFF, scope A320/B1', () => ok(a35({})));
  it('✘ role SUPPORT_STAFF', () => fails(a35({}, { staff_role: 'SUPPORT_STAFF' })));
  it('✘ scope B737/B1 on an A320', () => fails(a35({}, { authorisation_scope: ['B737/B1'] })));
  it('✘ licence valid until 2025-03-13, CRS 2025-03-14', () =>
    fails(a35({}, { licence_valid_until: '2025-03-13' })));
  it('✘ no licence on the roster', () => fails(a35({}, { licence_valid_until: null })));
  it('✘ the CRS names another licence', () => fails(a35({ crs: { ...crs, licence_ref: 'DE.66.99999' } })));
  it('✘ the aircraft is not in the fleet master (fails closed)', () => {
    const r = reference();
    r.apply('fleet', 'D-AIBL', null);
    fails(easa('EASA-145.A.35', {}, undefined, r));
  });
  it('✘ the certifying staff badge is not in the roster', () =>
    fails(easa('EASA-145.A.35', {}, undefined, new ReferenceMaps())));
  it('✘ the CRS names no certifying staff', () =>
    fails(a35({ crs: { ...crs, certifying_staff_badge_hash: null } })));
});

const a50 = (patch: Record<string, unknown>, person: Partial<RefValue<'technicians'>> = {}) =>
  easa('EASA-145.A.50-a', { maintenance_data_ref: 'AMM 32-41-11', ...patch }, undefined, reference(person));

describe('EASA-145.A.50-a', () => {
  it('✔ authorised B1 for type A320, maintenance_data_ref "AMM 32-41-11"', () => ok(a50({})));
  it('✘ support staff without certification authorisation', () =>
    fails(a50({}, { staff_role: 'SUPPORT_STAFF', authorisation_ref: null, authorisation_scope: [] })));
  it('✘ authorisation expired 2025-01-31, CRS 2025-03-14', () =>
    fails(a50({}, { authorisation_valid_until: '2025-01-31' })));
  it('✔ authorisation granted on the CRS day', () => ok(a50({}, { authorisation_valid_from: '2025-03-14' })));
  it('✔ authorisation valid until the CRS day', () =>
    ok(a50({}, { authorisation_valid_until: '2025-03-14' })));
  it('✘ authorisation granted after the CRS', () =>
    fails(a50({}, { authorisation_valid_from: '2025-04-01' })));
  it('✘ the CRS states another authorisation', () =>
    fails(a50({ crs: { ...crs, certifying_staff_authorisation_ref: 'DE145-0123-CS-999' } })));
  it('✘ no maintenance data named (the record half, also at the ingress)', () => {
    fails(a50({ maintenance_data_ref: '  ' }));
    fails(easa('EASA-145.A.50-a', { maintenance_data_ref: null }));
  });
});

const approval = (ref: string, withdrawn: Partial<Record<string, unknown>> = {}) =>
  easa(
    'ACR-APPR-1',
    { crs: { ...crs, organisation_approval_ref: ref } },
    undefined,
    reference({}, withdrawn),
  );

describe('ACR-APPR-1 (known approvals)', () => {
  it('✔ DE.145.0123, a known approval', () => ok(approval('DE.145.0123')));
  it('✘ DE.145.9999, well formed but unknown', () => fails(approval('DE.145.9999')));
  it('✘ de.145.0123: format WARN and unknown ERROR', () =>
    assert.deepEqual(severities(approval('de.145.0123')), ['WARN', 'ERROR']));
  it('✘ withdrawn 2025-03-01, CRS 2025-03-14', () =>
    fails(approval('DE.145.0123', { withdrawn_at: '2025-03-01' })));
  it('✔ withdrawn 2025-04-01, after the CRS', () =>
    ok(approval('DE.145.0123', { withdrawn_at: '2025-04-01' })));
  it('✘ withdrawn on the CRS day (2025-03-14T00:30+02:00 is the 13th in UTC)', () =>
    fails(
      easa(
        'ACR-APPR-1',
        { crs: { ...crs, issued_at: '2025-03-14T00:30:00+02:00' } },
        undefined,
        reference({}, { withdrawn_at: '2025-03-14' }),
      ),
    ));
  it('✘ granted 2025-04-01, after the CRS', () =>
    fails(approval('DE.145.0123', { valid_from: '2025-04-01' })));
});

describe('the roster fields of an ERP export', () => {
  it('a CSV cell lists the authorisation scope separated by semicolons', () => {
    const r = reference({ authorisation_scope: 'A320/B1; A319/B2' as unknown as string[] });
    assert.deepEqual(r.get('technicians', BADGE)?.authorisation_scope, ['A320/B1', 'A319/B2']);
  });
  it('a date that is not a calendar date or an RFC 3339 date-time is refused', () => {
    for (const bad of ['2025-03-01x', '2025-13-45', '2030-02-30', '2025-03-01T10:00:00'])
      assert.throws(() => reference({ licence_valid_until: bad }), /licence_valid_until/, bad);
    for (const good of ['2025-03-01', '2025-03-01T10:00:00Z', '2025-03-01T10:00:00+01:00'])
      assert.doesNotThrow(() => reference({ licence_valid_until: good }), good);
  });
  it('a scope that is not <type>/<category> is refused', () =>
    assert.throws(() => reference({ authorisation_scope: ['A320'] }), /authorisation_scope/));
});
