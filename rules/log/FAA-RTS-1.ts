import { MECHANIC, PART_65 } from '../lib/certifying.ts';
import { eventMomentOr } from '../lib/event-time.ts';
import { rosterProblem } from '../lib/roster.ts';
import { within } from '../lib/validity.ts';
import { type Finding, finding, type Rule, str } from '../types.ts';

const ID = 'FAA-RTS-1';
const ORGANISATION = new Set(['REPAIR_STATION', 'AIR_CARRIER']);

/**
 * FAA-RTS-1: the approver is authorised for the release, judged against the roster
 * (airlock.ref.technicians) on the completion date. The approver is one active person; a release
 * under a repair station or air carrier certificate is made by a person certificated under Part 65
 * (145.157(a)); a mechanic's certificate stated in the record is the one the roster lists (an A&P
 * may state A or P); an annual inspection needs a valid Inspection Authorization (65.95); a 100-hour
 * inspection a mechanic certificate, unless released under a repair station; a mechanic returns a
 * major repair or alteration to service only with an IA (65.85/65.87 exclude them). Validators only.
 */
export const FAA_RTS_1: Rule = {
  id: ID,
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  reference: true,
  check(record, { reference, now }) {
    const approver = record.approver;
    if (!reference || approver === null || typeof approver !== 'object') return [];
    const a = approver as Record<string, unknown>;
    const badge = str(a.badge_hash);
    if (badge === undefined) return [];
    const at = eventMomentOr('logbook', record, now);
    const problem = rosterProblem(reference, badge, at);
    if (problem !== undefined)
      return [finding(ID, 'ERROR', '/approver/badge_hash', `the approver: ${problem}`)];
    const person = reference.get('technicians', badge);
    if (person === undefined) return [];
    const out: Finding[] = [];
    const claimed = str(a.certificate_kind);
    const held = person.certificate_kind;
    if (claimed !== undefined && ORGANISATION.has(claimed)) {
      if (held === null || !PART_65.has(held))
        out.push(
          finding(
            ID,
            'ERROR',
            '/approver/badge_hash',
            `a release under a ${claimed.toLowerCase().replace('_', ' ')} certificate is made by a person certificated under Part 65; the roster lists ${held ?? 'no certificate'}`,
          ),
        );
    } else if (claimed !== undefined) {
      // An A&P holds both ratings: an entry may state the one the work needed.
      if (held !== claimed && !(held === 'MECHANIC_AP' && MECHANIC.has(claimed)))
        out.push(
          finding(
            ID,
            'ERROR',
            '/approver/certificate_kind',
            `the roster lists ${held ?? 'no certificate'} for the approver, not ${claimed}`,
          ),
        );
      const number = str(a.certificate_number);
      if (number !== undefined && person.certificate_number !== null && number !== person.certificate_number)
        out.push(
          finding(
            ID,
            'ERROR',
            '/approver/certificate_number',
            "the certificate number is not the approver's on the roster",
          ),
        );
    }
    const holdsIa = person.ia_valid_until !== null && within(null, person.ia_valid_until, at);
    if (record.inspection_type === 'ANNUAL' && !holdsIa)
      out.push(
        finding(
          ID,
          'ERROR',
          '/inspection_type',
          person.ia_valid_until === null
            ? 'an annual inspection needs an Inspection Authorization (IA); the roster lists none for the approver'
            : `an annual inspection needs an Inspection Authorization (IA); the approver's was valid only until ${person.ia_valid_until}`,
        ),
      );
    if (
      record.inspection_type === 'HUNDRED_HOUR' &&
      !(claimed !== undefined && ORGANISATION.has(claimed)) &&
      (held === null || !MECHANIC.has(held))
    )
      out.push(
        finding(
          ID,
          'ERROR',
          '/inspection_type',
          `a 100-hour inspection is approved by a mechanic (A&P) or under a repair station; the roster lists ${held ?? 'no certificate'}`,
        ),
      );
    const work = str(record.work_class);
    if (
      record.return_to_service === true &&
      work !== undefined &&
      work !== 'MINOR' &&
      claimed !== undefined &&
      MECHANIC.has(claimed) &&
      !holdsIa
    )
      out.push(
        finding(
          ID,
          'ERROR',
          '/work_class',
          `a mechanic returns a ${work.toLowerCase().replace('_', ' ')} to service only with an Inspection Authorization (IA), or under a repair station`,
        ),
      );
    return out;
  },
};
