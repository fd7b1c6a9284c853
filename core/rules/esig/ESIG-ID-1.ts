import { ALL_RULE_SETS, finding, type Rule } from '../types.ts';

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
  check(record, { reference }) {
    if (!reference || !SIGNING.has(String(record.action))) return [];
    const fail = (message: string) => [finding('ESIG-ID-1', 'ERROR', '/actor_badge_hash', message)];
    const actor = reference.get('technicians', String(record.actor_badge_hash));
    if (!actor) return fail('the actor is not in the roster');
    if (actor.kind !== 'PERSON') return fail('a shared or role badge cannot sign, amend or void');
    const at = Date.parse(String(record.occurred_at));
    if (
      !Number.isNaN(at) &&
      (at < Date.parse(actor.active_from) ||
        (actor.deactivated_at !== null && at >= Date.parse(actor.deactivated_at)))
    )
      return fail('the actor was not active when they acted');
    return [];
  },
};
