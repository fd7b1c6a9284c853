import { certifyingStaff, licenceHeld } from '../lib/certifying.ts';
import { scopeTypes } from '../lib/validity.ts';
import { type Finding, finding, type Rule, str } from '../types.ts';

const ID = 'EASA-145.A.35';

/**
 * EASA-145.A.35: the CRS is signed by certifying staff — not support staff — whose certification
 * authorisation covers the aircraft type (fleet master, airlock.ref.fleet) and whose Part-66 licence
 * is valid on the CRS date, judged against the roster (airlock.ref.technicians). An aircraft missing
 * from the fleet master fails closed: the authorisation's scope cannot be judged. The licence
 * category a line task needs is not checked: the entry does not carry the task's category.
 * Validators only.
 */
export const EASA_145_A_35: Rule = {
  id: ID,
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  reference: true,
  check(record, { context, reference, now }) {
    if (!reference) return [];
    const staff = certifyingStaff(record, reference, now);
    if (staff.kind === 'none') return [];
    if (staff.kind === 'unknown')
      return [finding(ID, 'ERROR', '/crs/certifying_staff_badge_hash', staff.problem)];
    const { person, at, crs } = staff;
    if (person.staff_role !== 'CERTIFYING_STAFF')
      return [
        finding(
          ID,
          'ERROR',
          '/crs/certifying_staff_badge_hash',
          `only certifying staff sign a CRS; the roster lists ${person.staff_role === 'SUPPORT_STAFF' ? 'support staff' : 'no certifying role'}`,
        ),
      ];
    const out: Finding[] = [];
    if (!licenceHeld(person, at))
      out.push(
        finding(
          ID,
          'ERROR',
          '/crs/licence_ref',
          person.licence_valid_until === null
            ? 'the roster lists no Part-66 licence for the certifying staff'
            : `the certifying staff's Part-66 licence was valid only until ${person.licence_valid_until}`,
        ),
      );
    const licence = str(crs.licence_ref);
    if (licence !== undefined && person.licence_ref !== null && licence !== person.licence_ref)
      out.push(finding(ID, 'ERROR', '/crs/licence_ref', 'the licence is not the one on the roster'));
    const aircraft = reference.get('fleet', context.aircraft_registration);
    if (aircraft === undefined)
      out.push(
        finding(
          ID,
          'ERROR',
          '/aircraft_registration',
          "the aircraft is not in the fleet master: the authorisation's type cannot be judged",
        ),
      );
    else if (!scopeTypes(person).includes(aircraft.aircraft_type.toUpperCase()))
      out.push(
        finding(
          ID,
          'ERROR',
          '/crs/certifying_staff_authorisation_ref',
          `the authorisation scope (${person.authorisation_scope.join(', ') || 'empty'}) does not include the aircraft type ${aircraft.aircraft_type}`,
        ),
      );
    return out;
  },
};
