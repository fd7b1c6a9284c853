import { eventMomentOr } from '../lib/event-time.ts';
import { rosterProblem } from '../lib/roster.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

const SIGNING = new Set(['SIGN', 'AMEND', 'VOID']);

/**
 * ESIG-ID-1: every SIGN, AMEND and VOID names one individual: the actor's badge is in the roster
 * (airlock.ref.technicians), a PERSON (no shared or role badges), active when it acted (CTX-BADGE-2
 * applied to `actor_badge_hash`). Judged by the validators.
 */
export const ESIG_ID_1: Rule = {
  id: 'ESIG-ID-1',
  routes: ['compliance-audit'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  reference: true,
  check(record, { route, reference, now }) {
    if (!reference || !SIGNING.has(String(record.action))) return [];
    const at = eventMomentOr(route, record, now);
    const problem = rosterProblem(reference, String(record.actor_badge_hash), at);
    return problem === undefined
      ? []
      : [finding('ESIG-ID-1', 'ERROR', '/actor_badge_hash', `actor: ${problem}`)];
  },
};
