import { eventMomentOr } from '../lib/event-time.ts';
import { rosterProblem } from '../lib/roster.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

/**
 * CTX-BADGE-2: the technician's badge hash resolves to one natural person in the roster
 * (airlock.ref.technicians), active at the time of the event (AC 120-78: a signature traceable to
 * the individual). Judged by the validators, against the materialised roster.
 */
export const CTX_BADGE_2: Rule = {
  id: 'CTX-BADGE-2',
  routes: 'all',
  ruleSets: ALL_RULE_SETS,
  structural: false,
  reference: true,
  check(record, { route, context, reference, now }) {
    if (!reference) return [];
    const at = eventMomentOr(route, record, now);
    const problem = rosterProblem(reference, context.technician_badge_hash, at);
    return problem === undefined ? [] : [finding('CTX-BADGE-2', 'ERROR', '', problem)];
  },
};
