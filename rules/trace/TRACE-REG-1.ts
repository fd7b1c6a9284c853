import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

/**
 * TRACE-REG-1: the event's registration equals the request context's. Applied to logbook entries
 * and measurements too: a record naming another aircraft than its work order's is the same mismatch.
 */
export const TRACE_REG_1: Rule = {
  id: 'TRACE-REG-1',
  routes: ['parts-trace', 'logbook', 'measurements'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record, { context }) {
    if (record.aircraft_registration === context.aircraft_registration) return [];
    return [
      finding(
        'TRACE-REG-1',
        'ERROR',
        '/aircraft_registration',
        `the record names ${String(record.aircraft_registration)} but the maintenance context names ${context.aircraft_registration}`,
      ),
    ];
  },
};
