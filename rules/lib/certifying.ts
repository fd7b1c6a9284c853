import type { ReferenceData, RefValue } from '../refdata.ts';
import { type Payload, str } from '../types.ts';
import { eventMomentOr } from './event-time.ts';
import { rosterProblem } from './roster.ts';
import { type Moment, momentOf } from './time.ts';
import { crsOf, within } from './validity.ts';

/** FAA mechanic certificates (14 CFR 65.85, 65.87). */
export const MECHANIC: ReadonlySet<string> = new Set(['MECHANIC_A', 'MECHANIC_P', 'MECHANIC_AP']);
/** Certificates of 14 CFR Part 65 that let a person approve work for return to service. */
export const PART_65: ReadonlySet<string> = new Set([...MECHANIC, 'REPAIRMAN']);

/** The roster shows a Part-66 licence valid at `at` (EASA-145.A.35). */
export const licenceHeld = (p: RefValue<'technicians'>, at: Moment): boolean =>
  p.licence_valid_until !== null && within(null, p.licence_valid_until, at);

/** The roster shows a certification authorisation valid at `at` (EASA-145.A.50-a). */
export const authorisationHeld = (p: RefValue<'technicians'>, at: Moment): boolean =>
  p.authorisation_ref !== null && within(p.authorisation_valid_from, p.authorisation_valid_until, at);

/** The certifying staff of an EASA / UK CRS as the roster knows them, on the CRS date. */
export type CertifyingStaff =
  | { kind: 'none' }
  | { kind: 'unknown'; problem: string }
  | { kind: 'person'; person: RefValue<'technicians'>; at: Moment; crs: Record<string, unknown> };

/**
 * Resolves `crs.certifying_staff_badge_hash` (CTX-BADGE-2's roster check) at `crs.issued_at`, or the
 * completion date when the CRS date is unusable. `none` when the entry has no CRS (EASA-CRS-CONTENT
 * says so).
 */
export function certifyingStaff(record: Payload, reference: ReferenceData, now: Date): CertifyingStaff {
  const crs = crsOf(record);
  if (crs === undefined) return { kind: 'none' };
  const badge = str(crs.certifying_staff_badge_hash);
  if (badge === undefined) return { kind: 'unknown', problem: 'the CRS names no certifying staff badge' };
  const at = momentOf(crs.issued_at) ?? eventMomentOr('logbook', record, now);
  const problem = rosterProblem(reference, badge, at);
  const person = reference.get('technicians', badge);
  if (problem !== undefined || person === undefined)
    return { kind: 'unknown', problem: `the certifying staff: ${problem ?? 'not in the roster'}` };
  return { kind: 'person', person, at, crs };
}
