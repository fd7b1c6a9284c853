import { dateTimeProblem } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/** TRACE-DATE-1: installation_date is not in the future, beyond the clock-skew tolerance (TIME-4). */
export const TRACE_DATE_1: Rule = {
  id: 'TRACE-DATE-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  check(record, { now, params }) {
    const v = str(record.installation_date);
    if (v === undefined || dateTimeProblem(v) !== undefined) return [];
    if (Date.parse(v) <= now.getTime() + params.clockSkewMs) return [];
    return [finding('TRACE-DATE-1', 'ERROR', '/installation_date', 'installation_date is in the future')];
  },
};
