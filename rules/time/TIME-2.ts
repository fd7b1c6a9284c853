import { dateTimeProblem } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';
import { dateTimes } from './TIME-1.ts';

/** TIME-2: the offset -00:00 ("local offset unknown", RFC 3339 §4.3) is rejected. */
export const TIME_2: Rule = {
  id: 'TIME-2',
  routes: ['parts-trace', 'logbook', 'compliance-audit', 'measurements'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record, { route }) {
    return dateTimes(route, record)
      .filter(([, v]) => dateTimeProblem(v) === 'unknown-offset')
      .map(([pointer]) =>
        finding(
          'TIME-2',
          'ERROR',
          pointer,
          `${pointer.slice(1)} has the offset -00:00 (local offset unknown); send the real offset`,
        ),
      );
  },
};
