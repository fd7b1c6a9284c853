import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

const ID = 'MEAS-SPEC-1';

/** A finite number, null for an absent bound, undefined for anything else (the schema refuses it). */
const bound = (v: unknown): number | null | undefined =>
  v === null || v === undefined ? null : typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/**
 * MEAS-SPEC-1: the tool's result agrees with the specification the reading carries. spec_min ≤
 * spec_max when both are given (ERROR); a value outside [spec_min, spec_max] (a null bound is open,
 * both bounds included) cannot be a PASS (ERROR): a record of work done to the maintenance data
 * (derived from EASA 145.A.50(a) with 145.A.45, 14 CFR 43.13(a)) cannot show a conforming result for
 * a value its own specification refuses. A FAIL inside the specification is accepted — the tool may
 * apply tighter limits, and a refused FAIL would lose the record of a rework — with a WARN, since the
 * record then does not show the limits the tool judged by. Values are compared exactly, as sent.
 */
export const MEAS_SPEC_1: Rule = {
  id: ID,
  routes: ['measurements'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const value = bound(record.value);
    const min = bound(record.spec_min);
    const max = bound(record.spec_max);
    if (value === null || value === undefined || min === undefined || max === undefined) return [];
    if (min !== null && max !== null && min > max)
      return [finding(ID, 'ERROR', '/spec_min', `spec_min ${min} is above spec_max ${max}`)];
    const below = min !== null && value < min;
    const above = max !== null && value > max;
    if (record.tool_result === 'PASS' && (below || above))
      return [
        finding(
          ID,
          'ERROR',
          '/tool_result',
          below ? `a PASS for ${value}, below spec_min ${min}` : `a PASS for ${value}, above spec_max ${max}`,
        ),
      ];
    if (record.tool_result === 'FAIL' && !below && !above && (min !== null || max !== null))
      return [
        finding(
          ID,
          'WARN',
          '/tool_result',
          `a FAIL for ${value}, inside the specification: the tool judged by other limits than the record's`,
        ),
      ];
    return [];
  },
};
