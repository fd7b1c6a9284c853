import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/**
 * TRACE-DATE-2: installation_date is not before the aircraft's date of manufacture (fleet master,
 * airlock.ref.fleet; 14 CFR 45.13 data plate). An aircraft missing from the fleet master is a WARN:
 * the date cannot be judged.
 */
export const TRACE_DATE_2: Rule = {
  id: 'TRACE-DATE-2',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  reference: true,
  check(record, { context, reference }) {
    if (!reference) return [];
    const aircraft = reference.get('fleet', context.aircraft_registration);
    if (!aircraft)
      return [
        finding(
          'TRACE-DATE-2',
          'WARN',
          '/aircraft_registration',
          'the aircraft is not in the fleet master: manufacture date unknown',
        ),
      ];
    const v = str(record.installation_date);
    if (v === undefined || Number.isNaN(Date.parse(v))) return [];
    if (Date.parse(v) >= Date.parse(aircraft.manufactured_on)) return [];
    return [
      finding(
        'TRACE-DATE-2',
        'ERROR',
        '/installation_date',
        `installation_date is before the aircraft was built (${aircraft.manufactured_on})`,
      ),
    ];
  },
};
