import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';
import { UNITS, unitsFor } from './units.ts';

const ID = 'MEAS-UNIT-1';

/**
 * MEAS-UNIT-1 (CONV): the reading's unit is one of the documented codes (rules/meas/units.ts,
 * docs/rules.md) and one the kind of tool can measure in: a torque wrench reads N.m or lbf.in, never
 * psi. A value whose unit cannot be read, or is not the tool's quantity, cannot be judged against
 * its specification (MEAS-SPEC-1) or the maintenance data.
 */
export const MEAS_UNIT_1: Rule = {
  id: ID,
  routes: ['measurements'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const unit = str(record.unit);
    if (unit === undefined) return [];
    if (!UNITS.has(unit)) {
      // Case matters: mOhm is a milliohm, MOhm a megohm; a near miss names every candidate.
      const near = [...UNITS].filter((u) => u.toLowerCase() === unit.toLowerCase());
      const hint = near.length > 0 ? ` (codes are case-sensitive: ${near.join(' or ')})` : '';
      return [
        finding(
          ID,
          'ERROR',
          '/unit',
          `${JSON.stringify(unit)} is not a unit code of docs/rules.md MEAS-UNIT-1${hint}`,
        ),
      ];
    }
    const type = str(record.tool_type);
    const allowed = type === undefined ? undefined : unitsFor(type);
    if (allowed === undefined || allowed.includes(unit)) return [];
    return [finding(ID, 'ERROR', '/unit', `a ${type} reports ${allowed.join(', ')}, not ${unit}`)];
  },
};
