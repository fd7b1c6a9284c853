import type { ReferenceData } from '../../refdata/kinds.ts';

/**
 * Why a badge does not name one natural person active at `atMs` in the roster
 * (airlock.ref.technicians), or undefined when it does. CTX-BADGE-2 asks it of the technician in the
 * maintenance context, ESIG-ID-1 of the actor of an audit event.
 */
export function rosterProblem(reference: ReferenceData, badge: string, atMs: number): string | undefined {
  const person = reference.get('technicians', badge);
  if (!person) return 'the badge is not in the roster';
  if (person.kind !== 'PERSON') return 'the badge is a shared or role badge, not one natural person';
  if (atMs < Date.parse(person.active_from))
    return `the badge was not active yet (from ${person.active_from})`;
  if (person.deactivated_at !== null && atMs >= Date.parse(person.deactivated_at))
    return `the badge was deactivated on ${person.deactivated_at}`;
  return undefined;
}
