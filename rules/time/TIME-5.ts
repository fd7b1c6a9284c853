import { dateTimeProblem, isCalendarDate } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/** TIME-5: release_date (Form 1 block 14e) may be a date only (YYYY-MM-DD) or a full date-time. */
export const TIME_5: Rule = {
  id: 'TIME-5',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const v = str(record.release_date);
    if (v === undefined || isCalendarDate(v) || dateTimeProblem(v) === undefined) return [];
    return [
      finding('TIME-5', 'ERROR', '/release_date', 'release_date must be YYYY-MM-DD or an RFC 3339 date-time'),
    ];
  },
};
