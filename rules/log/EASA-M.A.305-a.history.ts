import { history } from '../history.ts';
import { historyRule } from '../lib/history-rule.ts';
import { finding, text } from '../types.ts';

/** EASA-M.A.305-a (against the aircraft's history): the CRS reference is unique per aircraft. */
export const EASA_M_A_305_A_UNIQUE = historyRule(
  'EASA-M.A.305-a',
  ['logbook'],
  ['EASA', 'UK_CAA'],
  (record, h, ctx) => {
    const ref = text(record.crs_ref);
    if (!record.crs || ref === undefined) return [];
    const prior = history.crs(h, ctx.context.aircraft_registration, ref);
    if (!prior) return [];
    return [
      finding(
        'EASA-M.A.305-a',
        'ERROR',
        '/crs_ref',
        `crs_ref ${ref} is already used on ${ctx.context.aircraft_registration} (trace ${prior.trace_id}): the reference to a CRS is unique per aircraft`,
      ),
    ];
  },
);
