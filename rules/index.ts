/**
 * How a record is judged by the rules Airlock implements: the one door of the rules package. The same
 * evaluation serves the ingress (synchronous 422), the validators (authoritative) and the DLQ replay
 * dry run, so they cannot disagree.
 */
import type { RouteName } from '../core/contract.ts';
import type { Reason } from '../core/errors.ts';
import type { HistoryRead } from '../core/history/history.ts';
import { RULES, RULES_VERSION } from './catalogue.ts';
import type { MaintenanceContext } from './context.ts';
import type { ReferenceData } from './refdata.ts';
import { ruleSetFor } from './registration/marks.ts';
import type { RuleSet } from './rule-set.ts';
import { type Finding, finding, type Payload, type RuleParams } from './types.ts';

export { RULES, RULES_VERSION };

export interface Judgement {
  ruleSet: RuleSet;
  /** The code's rules and the configuration's version, e.g. airlock-rules/2+2026-11-21.1. */
  version: string;
  errors: Finding[];
  warnings: Finding[];
  /** Rules that threw on this record (each also an ERROR finding): a permanent fault of the record. */
  failed: string[];
}

/**
 * Applies every rule of the record's rule set (from its state of registry, CTX-RS-1). Under OTHER
 * only the structural rules run, and the record is flagged for review (REGULATORY.md §0).
 */
export function judge(
  route: RouteName,
  record: Payload,
  context: MaintenanceContext,
  params: RuleParams,
  now: Date,
  reference?: ReferenceData,
  history?: HistoryRead,
): Judgement {
  const ruleSet = ruleSetFor(context.aircraft_registration);
  const ctx = { route, now, ruleSet, context, params, reference, history };
  const findings: Finding[] = [];
  const failed: string[] = [];
  for (const rule of RULES) {
    if (rule.routes !== 'all' && !rule.routes.includes(route)) continue;
    if (!rule.ruleSets.includes(ruleSet)) continue;
    if (ruleSet === 'OTHER' && !rule.structural) continue;
    if (params.disabled.includes(rule.id)) continue;
    if (rule.reference && (params.referenceData === 'off' || reference === undefined)) continue;
    if (rule.history && history === undefined) continue;
    try {
      findings.push(...rule.check(record, ctx));
    } catch (err) {
      // A rule that throws is this record's permanent fault, never a transient one (DESIGN.md
      // promise 4): retried, it would throw again and block its partition.
      failed.push(rule.id);
      findings.push(finding(rule.id, 'ERROR', '', `the rule could not judge this record: ${String(err)}`));
    }
  }
  if (ruleSet === 'OTHER') {
    findings.push(
      finding(
        'CTX-RS-1',
        'WARN',
        '/aircraft_registration',
        'state of registry outside FAA/EASA/UK CAA: structural rules only, send for review',
      ),
    );
  }
  return {
    ruleSet,
    version: `${RULES_VERSION}+${params.version}`,
    errors: findings.filter((f) => f.severity === 'ERROR'),
    warnings: findings.filter((f) => f.severity === 'WARN'),
    failed,
  };
}

/**
 * How a judgement refuses its record, or undefined when it does not: every ERROR finding as a
 * reason, RULE_ERROR where the rule threw, and the request's code (RULE_ERROR when any rule threw).
 * The one mapping the ingress, the validators and the edge station share.
 */
export function refusal(
  j: Pick<Judgement, 'errors' | 'failed'>,
): { code: 'RULE_ERROR' | 'RULE_VIOLATION'; reasons: Reason[] } | undefined {
  if (j.errors.length === 0) return undefined;
  return {
    code: j.failed.length > 0 ? 'RULE_ERROR' : 'RULE_VIOLATION',
    reasons: j.errors.map(({ rule, path, message }) => ({
      code: j.failed.includes(rule) ? ('RULE_ERROR' as const) : ('RULE_VIOLATION' as const),
      rule,
      path,
      message,
    })),
  };
}
