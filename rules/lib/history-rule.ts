import type { RouteName } from '../../core/contract.ts';
import type { HistoryRead } from '../history.ts';
import type { RuleSet } from '../rule-set.ts';
import type { Finding, Payload, Rule, RuleContext } from '../types.ts';

/** A rule that reads the record's history: judged only where it is held (the validators, the dry run). */
export function historyRule(
  id: string,
  routes: readonly RouteName[],
  ruleSets: readonly RuleSet[],
  check: (record: Payload, history: HistoryRead, ctx: RuleContext) => Finding[],
): Rule {
  return {
    id,
    routes,
    ruleSets,
    structural: false,
    history: true,
    check: (record, ctx) => (ctx.history ? check(record, ctx.history, ctx) : []),
  };
}
