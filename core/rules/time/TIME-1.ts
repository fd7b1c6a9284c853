import { dateTimeProblem } from '../time.ts';
import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';

/** Timestamp fields of each route that must be RFC 3339 date-times with an explicit offset. */
export const DATE_TIME_FIELDS: Record<string, readonly string[]> = { 'parts-trace': ['installation_date'] };

const WHY = {
  format: 'must be an RFC 3339 date-time with an explicit offset, e.g. 2025-03-14T09:26:53Z',
  calendar: 'is not a calendar date',
  'leap-second': 'must not be a leap second (:60)',
} as const;

/** TIME-1: every timestamp is an RFC 3339 date-time with Z or ±hh:mm, on a real calendar day. */
export const TIME_1: Rule = {
  id: 'TIME-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const out = [];
    for (const field of DATE_TIME_FIELDS['parts-trace'] ?? []) {
      const v = str(record[field]);
      if (v === undefined) continue;
      const problem = dateTimeProblem(v);
      if (problem && problem !== 'unknown-offset')
        out.push(finding('TIME-1', 'ERROR', `/${field}`, `${field} ${WHY[problem]}`));
    }
    return out;
  },
};
