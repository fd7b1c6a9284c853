/** A logbook entry (FAA) and a CRS (EASA) that pass every record rule: the base of the logbook vectors. */
import assert from 'node:assert/strict';
import type { ReferenceData } from '../../../rules/refdata.ts';
import { run } from './harness.ts';

export const BADGE = '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2';
export const approver = {
  badge_hash: BADGE,
  name: null,
  certificate_number: '3456789',
  certificate_kind: 'MECHANIC_AP',
  signature_ref: 'sig-01',
};
export const LOG = {
  entry_type: 'MAINTENANCE',
  work_description: 'Replaced LH main wheel tire IAW AMM 32-41-11',
  maintenance_data_ref: null,
  completion_date: '2025-03-14T16:00:00-05:00',
  performed_by_badge_hash: null,
  performed_by_name: null,
  approver,
  return_to_service: true,
  inspection_type: null,
  inspection_scope: null,
  aircraft_total_time_hours: null,
  work_class: 'MINOR',
  form_337_ref: null,
  discrepancy_list_ref: null,
  language: null,
  release_copy_delivered_to: null,
  crs: null,
  crs_ref: null,
  incomplete_tasks: [],
  total_in_service: null,
  event: null,
  subcontracted_tasks: [],
  subcontractor_release_refs: [],
  crs_copy_delivered_to: null,
};
export const crs = {
  issued_at: '2025-03-14T10:30:00+01:00',
  organisation_approval_ref: 'DE.145.0123',
  certifying_staff_badge_hash: BADGE,
  certifying_staff_authorisation_ref: 'DE145-0123-CS-042',
  licence_ref: null,
  statement: 'Certifies that the work specified was carried out …',
  limitations: [],
};

/** One rule on an FAA entry (N123AZ), with the reference data when given. */
export const faa = (id: string, patch: Record<string, unknown>, reference?: ReferenceData) =>
  run(id, patch, { base: LOG, registration: 'N123AZ', ...(reference ? { reference } : {}) });

/** One rule on an EASA entry with its CRS (D-AIBL), as of `now` and with the reference data when given. */
export const easa = (id: string, patch: Record<string, unknown>, now?: Date, reference?: ReferenceData) =>
  run(
    id,
    { crs, crs_ref: 'CRS-1', crs_copy_delivered_to: 'CAMO', ...patch },
    { base: LOG, registration: 'D-AIBL', ...(now ? { now } : {}), ...(reference ? { reference } : {}) },
  );

export const ok = (f: unknown[]) => assert.deepEqual(f, []);

/** Exactly n findings, all ERROR. */
export const fails = (f: { severity: string }[], n = 1) => {
  assert.equal(f.length, n, JSON.stringify(f));
  assert.ok(f.every((x) => x.severity === 'ERROR'));
};

/** BADGE on the roster: an A&P with IA, EASA certifying staff for A320/B1 with a Part-66 licence. */
export const CERTIFYING_PERSON = {
  badge_hash: BADGE,
  name: 'A. Person',
  active_from: '2015-01-01',
  certificate_number: '3456789',
  certificate_kind: 'MECHANIC_AP',
  ia_valid_until: '2027-03-31',
  staff_role: 'CERTIFYING_STAFF',
  authorisation_ref: 'DE145-0123-CS-042',
  authorisation_scope: ['A320/B1'],
  authorisation_valid_from: '2020-01-01',
  authorisation_valid_until: '2028-12-31',
  licence_ref: 'DE.66.12345',
  licence_valid_until: '2029-06-30',
} as const;
