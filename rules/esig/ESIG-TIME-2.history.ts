import { history } from '../history.ts';
import { historyRule } from '../lib/history-rule.ts';
import { momentOf } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding } from '../types.ts';

/** ESIG-TIME-2 (against the record's history): a SIGN is not dated before the CREATE or AMEND of its version. */
export const ESIG_TIME_2_SIGN = historyRule(
  'ESIG-TIME-2',
  ['compliance-audit'],
  ALL_RULE_SETS,
  (record, h, ctx) => {
    if (record.action !== 'SIGN') return [];
    const created = history.audit(h, ctx.context.aircraft_registration, String(record.record_id))?.created[
      String(record.record_version)
    ];
    const signed = momentOf(record.occurred_at)?.ms;
    const made = momentOf(created)?.ms;
    if (signed === undefined || made === undefined || signed >= made) return [];
    return [
      finding(
        'ESIG-TIME-2',
        'ERROR',
        '/occurred_at',
        `signed before version ${String(record.record_version)} was created (${created})`,
      ),
    ];
  },
);
