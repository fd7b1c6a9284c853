import { dateTimeProblem } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/**
 * ESIG-TIME-2: the claimed time is plausible: `occurred_at` is not later than the server's receipt
 * plus the clock-skew tolerance (TIME-4). The SIGN-after-CREATE comparison needs the record's
 * history (docs/rules.md).
 */
export const ESIG_TIME_2: Rule = {
  id: 'ESIG-TIME-2',
  routes: ['compliance-audit'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  check(record, { now, params }) {
    const v = str(record.occurred_at);
    if (v === undefined || dateTimeProblem(v) !== undefined) return [];
    if (Date.parse(v) <= now.getTime() + params.clockSkewMs) return [];
    return [
      finding('ESIG-TIME-2', 'ERROR', '/occurred_at', 'occurred_at is later than the time it was received'),
    ];
  },
};
