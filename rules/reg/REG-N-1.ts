import { nationalityMark, rowForMark } from '../registration/marks.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

const RESERVED = /^N[1-9][0-9]?$/;

/** REG-N-1: US N-numbers (14 CFR 47.15); N1–N99 are valid but reserved for the FAA: WARN. */
export const REG_N_1: Rule = {
  id: 'REG-N-1',
  routes: 'all',
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(_record, { context }) {
    const reg = context.aircraft_registration;
    if (nationalityMark(reg) !== 'N') return [];
    if (!rowForMark('N')?.pattern.test(reg)) {
      return [finding('REG-N-1', 'ERROR', '/aircraft_registration', `${reg} is not a valid US N-number`)];
    }
    if (RESERVED.test(reg)) {
      return [
        finding('REG-N-1', 'WARN', '/aircraft_registration', `${reg} is reserved for FAA internal use`),
      ];
    }
    return [];
  },
};
