import { dateTimeProblem } from '../time.ts';
import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';
import { DATE_TIME_FIELDS } from './TIME-1.ts';

/** TIME-2: the offset -00:00 ("local offset unknown", RFC 3339 §4.3) is rejected. */
export const TIME_2: Rule = {
  id: 'TIME-2',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    return (DATE_TIME_FIELDS['parts-trace'] ?? [])
      .filter((f) => {
        const v = str(record[f]);
        return v !== undefined && dateTimeProblem(v) === 'unknown-offset';
      })
      .map((f) =>
        finding(
          'TIME-2',
          'ERROR',
          `/${f}`,
          `${f} has the offset -00:00 (local offset unknown); send the real offset`,
        ),
      );
  },
};
