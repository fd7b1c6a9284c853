/**
 * The logbook rules (REGULATORY.md §4 FAA-LOG, §5 EASA-LOG) with the catalogue's vectors (reference
 * clock 2025-06-01T00:00:00Z), and who may release (FAA-RTS-1, EASA-145.A.35, EASA-145.A.50-a)
 * against an in-memory roster, fleet master and approvals list. FAA rules run on an N-registered
 * aircraft, EASA rules on a D- one (UK_CAA shares them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadContract } from '../../../core/contract.ts';
import { checkAgainst } from '../../../core/schema-check.ts';
import { judge } from '../../../rules/index.ts';
import { ReferenceMaps, type RefValue } from '../../../rules/refdata.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { NOW, run, severities } from './harness.ts';
import { approver, BADGE, crs, easa, faa, fails, LOG, ok } from './logbook.ts';
import { authorityReference } from './reference.ts';

const OTHER_BADGE = 'a'.repeat(64);
const annual = { entry_type: 'INSPECTION', inspection_type: 'ANNUAL', work_class: null };
const major = { work_class: 'MAJOR_REPAIR', form_337_ref: '337-2025-0009' };
const rts = (patch: Record<string, unknown>, person: Partial<RefValue<'technicians'>> = {}) =>
  faa('FAA-RTS-1', patch, authorityReference(person));

describe('FAA-43.9-a1', () => {
  it('✔ work_description', () => ok(faa('FAA-43.9-a1', {})));
  it('✔ maintenance_data_ref only', () =>
    ok(faa('FAA-43.9-a1', { work_description: null, maintenance_data_ref: 'AMM 32-41-11 R45' })));
  it('✘ work_description "  "', () => fails(faa('FAA-43.9-a1', { work_description: '  ' })));
});

describe('FAA-43.9-a2', () => {
  it('✔ 2025-03-14T16:00:00-05:00', () => ok(faa('FAA-43.9-a2', {})));
  it('✘ missing', () => fails(faa('FAA-43.9-a2', { completion_date: undefined })));
  it('✘ 2025-07-01T00:00:00Z (future)', () =>
    fails(faa('FAA-43.9-a2', { completion_date: '2025-07-01T00:00:00Z' })));
  it('✔ within the clock-skew tolerance (TIME-4)', () =>
    ok(faa('FAA-43.9-a2', { completion_date: '2025-06-01T00:04:00Z' })));
});

describe('FAA-43.9-a3', () => {
  it('✔ performer = approver, no name needed', () =>
    ok(faa('FAA-43.9-a3', { performed_by_badge_hash: BADGE })));
  it('✔ different performer with name', () =>
    ok(faa('FAA-43.9-a3', { performed_by_badge_hash: OTHER_BADGE, performed_by_name: 'K. Osei' })));
  it('✘ different performer, no name', () =>
    fails(faa('FAA-43.9-a3', { performed_by_badge_hash: OTHER_BADGE })));
});

describe('FAA-43.9-a4', () => {
  it('✔ certificate number, kind and signature', () => ok(faa('FAA-43.9-a4', {})));
  it('✘ no certificate_number', () =>
    fails(faa('FAA-43.9-a4', { approver: { ...approver, certificate_number: null } })));
  it('✘ no approver on a return to service', () => fails(faa('FAA-43.9-a4', { approver: null })));
  it('✔ not returned to service: nothing required', () =>
    ok(faa('FAA-43.9-a4', { return_to_service: false, approver: null })));
  it('✘ certificate_kind "PILOT" (the schema: CertificateKind)', () => {
    const c = loadContract().get('logbook');
    assert.ok(c);
    const { aircraft_registration: _, ...rest } = { aircraft_registration: 'N123AZ', ...LOG };
    const r = checkAgainst(c.payloadType, {
      ...rest,
      aircraft_registration: 'N123AZ',
      approver: { ...approver, certificate_kind: 'PILOT' },
    });
    assert.ok(!r.ok);
    assert.deepEqual(
      r.reasons.map((x) => x.path),
      ['/approver/certificate_kind'],
    );
  });
});

describe('FAA-43.9-d', () => {
  it('✔ MAJOR_REPAIR with form_337_ref', () =>
    ok(faa('FAA-43.9-d', { work_class: 'MAJOR_REPAIR', form_337_ref: '337-2025-0009' })));
  it('✘ MAJOR_ALTERATION without', () => fails(faa('FAA-43.9-d', { work_class: 'MAJOR_ALTERATION' })));
  it('✔ MINOR', () => ok(faa('FAA-43.9-d', { work_class: 'MINOR' })));
});

describe('FAA-43.11-a', () => {
  const annual = {
    entry_type: 'INSPECTION',
    inspection_type: 'ANNUAL',
    inspection_scope: 'Appendix D',
    aircraft_total_time_hours: 4211.3,
    return_to_service: true,
  };
  it('✔ ANNUAL, 4211.3 h, returned to service', () => ok(faa('FAA-43.11-a', annual)));
  it('✘ missing aircraft_total_time_hours', () =>
    fails(faa('FAA-43.11-a', { ...annual, aircraft_total_time_hours: null })));
  it('✘ not returned to service and no discrepancy list', () =>
    fails(faa('FAA-43.11-a', { ...annual, return_to_service: false })));
  it('✔ not returned to service with the discrepancy list', () =>
    ok(faa('FAA-43.11-a', { ...annual, return_to_service: false, discrepancy_list_ref: 'DL-7' })));
  it('✘ an inspection without type, extent or approver: each named', () =>
    fails(
      faa('FAA-43.11-a', { ...annual, inspection_type: null, inspection_scope: ' ', approver: null }),
      3,
    ));
  it('✔ a maintenance entry is not an inspection', () => ok(faa('FAA-43.11-a', {})));
});

describe('FAA-145.219-a (WARN)', () => {
  const rs = { approver: { ...approver, certificate_kind: 'REPAIR_STATION' } };
  it('✔ language en on a repair-station release, copy delivered', () =>
    ok(faa('FAA-145.219-a', { ...rs, language: 'en', release_copy_delivered_to: 'N123AZ owner' })));
  it('✘ language de on an FAA repair-station release (WARN)', () =>
    assert.deepEqual(
      severities(faa('FAA-145.219-a', { ...rs, language: 'de', release_copy_delivered_to: 'owner' })),
      ['WARN'],
    ));
  it('✔ a mechanic release is not a repair-station release', () =>
    ok(faa('FAA-145.219-a', { language: 'de' })));
});

describe('EASA-CRS-CONTENT', () => {
  it('✔ all present, organisation_approval_ref DE.145.0123', () => ok(easa('EASA-CRS-CONTENT', {})));
  it('✘ no organisation_approval_ref', () =>
    fails(easa('EASA-CRS-CONTENT', { crs: { ...crs, organisation_approval_ref: null } })));
  it('✘ no certifying_staff_authorisation_ref', () =>
    fails(easa('EASA-CRS-CONTENT', { crs: { ...crs, certifying_staff_authorisation_ref: null } })));
  it('✘ no CRS at all', () => fails(easa('EASA-CRS-CONTENT', { crs: null })));
  it('✘ limitations absent (an empty list is required)', () =>
    fails(easa('EASA-CRS-CONTENT', { crs: { ...crs, limitations: null } })));
  it('applies to UK CAA records too (G-)', () =>
    assert.equal(run('EASA-CRS-CONTENT', { crs: null }, { base: LOG, registration: 'G-EUPT' }).length, 1));
  it('does not apply to FAA records', () => {
    const j = judge(
      'logbook',
      { ...LOG, aircraft_registration: 'N123AZ', crs: null },
      {
        work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
        aircraft_registration: 'N123AZ',
        technician_badge_hash: BADGE,
      },
      DEFAULT_RULE_PARAMS,
      NOW,
    );
    assert.equal(j.ruleSet, 'FAA');
    assert.deepEqual(j.errors, []);
  });
});

describe('EASA-145.A.50-e', () => {
  it('✔ 1 deferred task + 1 limitation citing it', () =>
    ok(
      easa('EASA-145.A.50-e', {
        incomplete_tasks: ['TC 05-51-01'],
        crs: { ...crs, limitations: ['TC 05-51-01 deferred under MEL 33-1'] },
      }),
    ));
  it('✘ 1 deferred task, limitations []', () =>
    fails(easa('EASA-145.A.50-e', { incomplete_tasks: ['TC 05-51-01'] })));
});

describe('EASA-M.A.305-a', () => {
  const completed = { completion_date: '2025-03-14T12:00:00Z' };
  it('✔ completed 2025-03-14, received 2025-04-10', () =>
    ok(easa('EASA-M.A.305-a', completed, new Date('2025-04-10T00:00:00Z'))));
  it('✘ (WARN LATE_CRS_ENTRY) received 2025-04-20', () => {
    const f = easa('EASA-M.A.305-a', completed, new Date('2025-04-20T00:00:00Z'));
    assert.deepEqual(severities(f), ['WARN']);
    assert.match(f[0]?.message ?? '', /LATE_CRS_ENTRY/);
  });
  it('✘ a CRS without its unique reference', () =>
    fails(easa('EASA-M.A.305-a', { ...completed, crs_ref: null }, new Date('2025-03-20T00:00:00Z'))));
});

describe('EASA-M.A.305-b1', () => {
  it('✔ {flight_hours: 41230.4, flight_cycles: 18321}', () =>
    ok(
      easa('EASA-M.A.305-b1', {
        total_in_service: { flight_hours: 41230.4, flight_cycles: 18321, landings: null },
      }),
    ));
  it('✘ {}', () =>
    fails(
      easa('EASA-M.A.305-b1', {
        total_in_service: { flight_hours: null, flight_cycles: null, landings: null },
      }),
    ));
  it('✘ missing', () => fails(easa('EASA-M.A.305-b1', { total_in_service: null })));
  it('✘ negative', () =>
    fails(
      easa('EASA-M.A.305-b1', {
        total_in_service: { flight_hours: -1, flight_cycles: null, landings: null },
      }),
    ));
});

describe('EASA-M.A.305-c', () => {
  const ad = {
    event: 'AD_COMPLIANCE',
    ad_number: '2023-0123',
    ad_revision: 'R1',
    method_of_compliance: 'SB 32-1456',
  };
  it('✔ AD 2023-0123 R1 by SB 32-1456', () => ok(easa('EASA-M.A.305-c', ad)));
  it('✘ AD without revision', () => fails(easa('EASA-M.A.305-c', { ...ad, ad_revision: null })));
  it('✘ blend repair without dimensions', () =>
    fails(easa('EASA-M.A.305-c', { event: 'REPAIR', repair_location: 'LH wing, rib 12' })));
  it('✔ a repair with description, location and dimensions', () =>
    ok(
      easa('EASA-M.A.305-c', {
        event: 'REPAIR',
        repair_location: 'LH wing, rib 12',
        repair_dimensions: '40 x 12 mm',
      }),
    ));
});

describe('EASA-145.A.55-a', () => {
  it('✔ subcontracted NDT with the release ref', () =>
    ok(
      easa('EASA-145.A.55-a', {
        subcontracted_tasks: ['NDT eddy current'],
        subcontractor_release_refs: ['EASA Form 1 NDT-77'],
      }),
    ));
  it('✘ subcontracted task, no ref', () =>
    fails(easa('EASA-145.A.55-a', { subcontracted_tasks: ['NDT eddy current'] })));
  it('✘ CRS copy not delivered', () => fails(easa('EASA-145.A.55-a', { crs_copy_delivered_to: null })));
});

describe('EASA-M.A.306-a (entry_type TECH_LOG)', () => {
  const sector = {
    sector_ref: 'TL-0042-1',
    date: '2025-03-14',
    takeoff_place: 'EDDF',
    takeoff_at: '2025-03-14T08:05:00+01:00',
    landing_place: 'EGLL',
    landing_at: '2025-03-14T08:50:00+00:00',
    running_total_hours: 41231.9,
  };
  const defect = {
    description: 'Cabin PA inop',
    origin_sector_ref: 'TL-0040-2',
    occurred_on: '2025-03-12',
    deferral_ref: 'MEL 23-31-01',
  };
  const log = (tech_log: unknown) =>
    run('EASA-M.A.306-a', { entry_type: 'TECH_LOG', tech_log }, { base: LOG, registration: 'D-AIBL' });
  it('✔ deferred defect with origin_sector_ref and occurred_on', () =>
    ok(log({ sector, deferred_defects: [defect] })));
  it('✘ deferred defect without origin_sector_ref', () =>
    fails(log({ sector, deferred_defects: [{ ...defect, origin_sector_ref: null }] })));
  it('✘ deferred defect without its date of occurrence', () =>
    fails(log({ sector, deferred_defects: [{ ...defect, occurred_on: '12/03/2025' }] })));
  it('✘ deferred defect with no date of occurrence', () =>
    fails(log({ sector, deferred_defects: [{ ...defect, occurred_on: null }] })));
  it('✘ a negative running total', () =>
    fails(log({ sector: { ...sector, running_total_hours: -1 }, deferred_defects: [] })));
  it('✘ no tech_log on a TECH_LOG entry', () => fails(log(null)));
  it('✘ a sector without its landing place and running total', () =>
    fails(
      log({ sector: { ...sector, landing_place: null, running_total_hours: null }, deferred_defects: [] }),
      2,
    ));
  it('✘ landing before take-off', () =>
    fails(log({ sector: { ...sector, landing_at: '2025-03-14T06:00:00Z' }, deferred_defects: [] })));
  it('✔ other entry types are not technical log entries', () =>
    ok(run('EASA-M.A.306-a', {}, { base: LOG, registration: 'D-AIBL' })));
  it('a TECH_LOG entry needs no CRS, and its running total stands in for M.A.305-b1', () => {
    const entry = { entry_type: 'TECH_LOG', tech_log: { sector, deferred_defects: [] } };
    ok(run('EASA-CRS-CONTENT', entry, { base: LOG, registration: 'D-AIBL' }));
    ok(run('EASA-M.A.305-b1', entry, { base: LOG, registration: 'D-AIBL' }));
  });
});

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
    assert.deepEqual(rules(authorityReference({ ia_valid_until: null })), ['FAA-RTS-1']);
  });
});

const a35 = (patch: Record<string, unknown>, person: Partial<RefValue<'technicians'>> = {}) =>
  easa('EASA-145.A.35', patch, undefined, authorityReference(person));

describe('EASA-145.A.35 (roster, fleet master: D-AIBL is an A320)', () => {
  it('✔ role CERTIFYING_STAFF, scope A320/B1', () => ok(a35({})));
  it('✘ role SUPPORT_STAFF', () => fails(a35({}, { staff_role: 'SUPPORT_STAFF' })));
  it('✘ scope B737/B1 on an A320', () => fails(a35({}, { authorisation_scope: ['B737/B1'] })));
  it('✘ licence valid until 2025-03-13, CRS 2025-03-14', () =>
    fails(a35({}, { licence_valid_until: '2025-03-13' })));
  it('✘ no licence on the roster', () => fails(a35({}, { licence_valid_until: null })));
  it('✘ the CRS names another licence', () => fails(a35({ crs: { ...crs, licence_ref: 'DE.66.99999' } })));
  it('✘ the aircraft is not in the fleet master (fails closed)', () => {
    const r = authorityReference();
    r.apply('fleet', 'D-AIBL', null);
    fails(easa('EASA-145.A.35', {}, undefined, r));
  });
  it('✘ the certifying staff badge is not in the roster', () =>
    fails(easa('EASA-145.A.35', {}, undefined, new ReferenceMaps())));
  it('✘ the CRS names no certifying staff', () =>
    fails(a35({ crs: { ...crs, certifying_staff_badge_hash: null } })));
});

const a50 = (patch: Record<string, unknown>, person: Partial<RefValue<'technicians'>> = {}) =>
  easa(
    'EASA-145.A.50-a',
    { maintenance_data_ref: 'AMM 32-41-11', ...patch },
    undefined,
    authorityReference(person),
  );

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
