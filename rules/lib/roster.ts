import type { ReferenceData } from '../refdata.ts';
import type { Moment } from './time.ts';
import { onOrAfter } from './validity.ts';

/**
 * Why a badge does not name one natural person active at `at` in the roster
 * (airlock.ref.technicians), or undefined when it does. CTX-BADGE-2 asks it of the technician in the
 * maintenance context, ESIG-ID-1 of the actor of an audit event, the authority rules of the approver
 * or certifying staff.
 */
export function rosterProblem(reference: ReferenceData, badge: string, at: Moment): string | undefined {
  const person = reference.get('technicians', badge);
  if (!person) return 'the badge is not in the roster';
  if (person.kind !== 'PERSON') return 'the badge is a shared or role badge, not one natural person';
  if (!onOrAfter(at, person.active_from)) return `the badge was not active yet (from ${person.active_from})`;
  if (person.deactivated_at !== null && onOrAfter(at, person.deactivated_at))
    return `the badge was deactivated on ${person.deactivated_at}`;
  return undefined;
}
