import type { RouteName } from '../../core/contract.ts';
import { dateTimeProblem } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { at, finding, type Payload, type Rule, str } from '../types.ts';

/** Timestamp fields of each route (JSON pointers) that must be RFC 3339 date-times with an offset. */
export const DATE_TIME_FIELDS: Record<RouteName, readonly string[]> = {
  'parts-trace': ['/installation_date'],
  logbook: ['/completion_date', '/crs/issued_at'],
  'compliance-audit': ['/occurred_at'],
  measurements: ['/measured_at'],
};

/** The present timestamp fields of a record of a route, with their values. */
export function dateTimes(route: RouteName, record: Payload): [string, string][] {
  return DATE_TIME_FIELDS[route]
    .map((p): [string, string | undefined] => [p, str(at(record, p))])
    .filter((e): e is [string, string] => e[1] !== undefined);
}

const WHY = {
  format: 'must be an RFC 3339 date-time with an explicit offset, e.g. 2025-03-14T09:26:53Z',
  calendar: 'is not a calendar date',
  'leap-second': 'must not be a leap second (:60)',
} as const;

/** TIME-1: every timestamp is an RFC 3339 date-time with Z or ±hh:mm, on a real calendar day. */
export const TIME_1: Rule = {
  id: 'TIME-1',
  routes: ['parts-trace', 'logbook', 'compliance-audit', 'measurements'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record, { route }) {
    const out = [];
    for (const [pointer, v] of dateTimes(route, record)) {
      const problem = dateTimeProblem(v);
      if (problem && problem !== 'unknown-offset')
        out.push(finding('TIME-1', 'ERROR', pointer, `${pointer.slice(1)} ${WHY[problem]}`));
    }
    return out;
  },
};
