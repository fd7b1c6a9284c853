import { ALL_RULE_SETS, finding, type Rule } from '../types.ts';
import { eventTime } from './event-time.ts';

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
    const fail = (message: string) => [finding('CTX-BADGE-2', 'ERROR', '', message)];
    const tech = reference.get('technicians', context.technician_badge_hash);
    if (!tech) return fail('the technician badge is not in the roster');
    if (tech.kind !== 'PERSON') return fail('the badge is a shared badge, not one natural person');
    const at = eventTime(route, record) ?? now.getTime();
    if (at < Date.parse(tech.active_from))
      return fail(`the badge was not active yet (from ${tech.active_from})`);
    if (tech.deactivated_at !== null && at >= Date.parse(tech.deactivated_at))
      return fail(`the badge was deactivated on ${tech.deactivated_at}`);
    return [];
  },
};
