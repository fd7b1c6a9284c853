import { authorisationHeld, licenceHeld, PART_65 } from '../lib/certifying.ts';
import { eventMomentOr } from '../lib/event-time.ts';
import type { Moment } from '../lib/time.ts';
import type { RefValue } from '../refdata.ts';
import type { RuleSet } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

const RELEASES = new Set(['APPROVED_RTS', 'CRS_ISSUED']);

/** Why a roster entry may not sign a release under a rule set, or undefined when it may. */
function releaseProblem(signer: RefValue<'technicians'>, ruleSet: RuleSet, at: Moment): string | undefined {
  if (ruleSet === 'FAA')
    return signer.certificate_kind !== null && PART_65.has(signer.certificate_kind)
      ? undefined
      : 'the roster shows no Part 65 certificate (FAA-RTS-1)';
  if (ruleSet === 'EASA' || ruleSet === 'UK_CAA') {
    if (signer.staff_role !== 'CERTIFYING_STAFF')
      return 'the roster shows no certifying staff (EASA-145.A.35)';
    if (!authorisationHeld(signer, at))
      return 'the roster shows no certification authorisation valid then (EASA-145.A.50-a)';
    if (!licenceHeld(signer, at)) return 'the roster shows no Part-66 licence valid then (EASA-145.A.35)';
    return undefined;
  }
  return signer.certificate_number ? undefined : 'the roster shows no certificate';
}

/**
 * ESIG-INTENT-1: a signature states what it attests (`signature_meaning` on SIGN). A release meaning
 * (APPROVED_RTS, CRS_ISSUED) needs a signer authorised to release, as the roster shows it at the
 * time of signing (the validators): under FAA a Part 65 certificate holder (FAA-RTS-1); under EASA
 * and UK CAA certifying staff with a valid certification authorisation and Part-66 licence
 * (EASA-145.A.35, 145.A.50-a); elsewhere a certificated signer. The audit event names no work, so
 * the inspection kind, work class and aircraft type of those rules are judged on the logbook entry.
 */
export const ESIG_INTENT_1: Rule = {
  id: 'ESIG-INTENT-1',
  routes: ['compliance-audit'],
  ruleSets: ['FAA', 'EASA', 'UK_CAA', 'OTHER'],
  structural: false,
  check(record, { reference, ruleSet, now }) {
    if (record.action !== 'SIGN') return [];
    const meaning = str(record.signature_meaning);
    if (meaning === undefined)
      return [
        finding('ESIG-INTENT-1', 'ERROR', '/signature_meaning', 'a signature must state what it attests'),
      ];
    if (!RELEASES.has(meaning) || !reference) return [];
    const signer = reference.get('technicians', String(record.actor_badge_hash));
    const at = eventMomentOr('compliance-audit', record, now);
    const problem =
      signer === undefined ? 'the signer is not in the roster' : releaseProblem(signer, ruleSet, at);
    if (problem === undefined) return [];
    return [
      finding(
        'ESIG-INTENT-1',
        'ERROR',
        '/signature_meaning',
        `${meaning} needs a signer authorised to release: ${problem}`,
      ),
    ];
  },
};
