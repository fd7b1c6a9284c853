import { authorisationHeld, certifyingStaff } from '../lib/certifying.ts';
import { within } from '../lib/validity.ts';
import { type Finding, finding, type Rule, str } from '../types.ts';

const ID = 'EASA-145.A.50-a';

/**
 * EASA-145.A.50-a, the roster half: the CRS is issued under a certification authorisation that the
 * roster (airlock.ref.technicians) lists for the certifying staff, valid on the CRS date; the
 * authorisation reference the CRS states is that one. Its scope is EASA-145.A.35's; the record half
 * (maintenance data) is rules/log/EASA-145.A.50-a.ts. Validators only.
 */
export const EASA_145_A_50_A_AUTHORISED: Rule = {
  id: ID,
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  reference: true,
  check(record, { reference, now }) {
    if (!reference) return [];
    const staff = certifyingStaff(record, reference, now);
    if (staff.kind === 'none') return [];
    if (staff.kind === 'unknown')
      return [finding(ID, 'ERROR', '/crs/certifying_staff_badge_hash', staff.problem)];
    const { person, at, crs } = staff;
    const path = '/crs/certifying_staff_authorisation_ref';
    if (person.authorisation_ref === null)
      return [
        finding(
          ID,
          'ERROR',
          path,
          'the roster lists no certification authorisation for the certifying staff',
        ),
      ];
    const out: Finding[] = [];
    if (!authorisationHeld(person, at))
      out.push(
        finding(
          ID,
          'ERROR',
          path,
          person.authorisation_valid_until !== null && !within(null, person.authorisation_valid_until, at)
            ? `the certification authorisation was valid only until ${person.authorisation_valid_until}`
            : `the certification authorisation was not valid yet (from ${person.authorisation_valid_from})`,
        ),
      );
    const stated = str(crs.certifying_staff_authorisation_ref);
    if (stated !== undefined && stated !== person.authorisation_ref)
      out.push(
        finding(
          ID,
          'ERROR',
          path,
          `the roster lists authorisation ${person.authorisation_ref}, not ${stated}`,
        ),
      );
    return out;
  },
};
