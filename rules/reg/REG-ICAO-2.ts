import { matchingRows, nationalityMark, rowForMark } from '../registration/marks.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

/** REG-ICAO-2: the registration matches exactly one state's format. ERROR, WARN under rule set OTHER. */
export const REG_ICAO_2: Rule = {
  id: 'REG-ICAO-2',
  routes: 'all',
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(_record, { context, ruleSet }) {
    const reg = context.aircraft_registration;
    const mark = nationalityMark(reg);
    if (mark === 'N') return []; // REG-N-1 owns US N-numbers.
    const matches = matchingRows(reg);
    if (matches.length === 1) return [];
    const severity = ruleSet === 'OTHER' ? 'WARN' : 'ERROR';
    const row = rowForMark(mark);
    const message =
      matches.length > 1
        ? `${reg} matches ${matches.length} states' formats`
        : row
          ? `${reg} is not a valid ${row.state} registration`
          : `UNKNOWN_NATIONALITY_MARK: ${reg} has no nationality mark Airlock knows`;
    return [finding('REG-ICAO-2', severity, '/aircraft_registration', message)];
  },
};
