import { dateTimeProblem } from '../lib/time.ts';
import { finding, type Rule, str } from '../types.ts';

/**
 * FAA-43.9-a2: the entry has the date the work was completed (14 CFR 43.9(a)(2)): present (the
 * schema requires it), a valid date-time (TIME-1 reports the format) and not in the future beyond
 * the clock-skew tolerance (TIME-4).
 */
export const FAA_43_9_A2: Rule = {
  id: 'FAA-43.9-a2',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  check(record, { now, params }) {
    const v = str(record.completion_date);
    if (v === undefined)
      return [finding('FAA-43.9-a2', 'ERROR', '/completion_date', 'the completion date is missing')];
    if (dateTimeProblem(v) !== undefined || Date.parse(v) <= now.getTime() + params.clockSkewMs) return [];
    return [finding('FAA-43.9-a2', 'ERROR', '/completion_date', 'completion_date is in the future')];
  },
};
