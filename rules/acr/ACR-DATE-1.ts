import { dateTimeProblem, isCalendarDate, localDate } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/**
 * ACR-DATE-1: the release date (block 14e) is not after the installation, compared as dates in the
 * event's own offset. Checks the release_date the record carries; the same check against the stored
 * release certificate (TRACE-DATE-3) needs reference data.
 */
export const ACR_DATE_1: Rule = {
  id: 'ACR-DATE-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  check(record) {
    const release = str(record.release_date);
    const installed = str(record.installation_date);
    if (release === undefined || installed === undefined || record.installation_status !== 'installed')
      return [];
    if (dateTimeProblem(installed) !== undefined) return [];
    if (!isCalendarDate(release) && dateTimeProblem(release) !== undefined) return [];
    if (localDate(release) <= localDate(installed)) return [];
    return [
      finding(
        'ACR-DATE-1',
        'ERROR',
        '/installation_date',
        `installed on ${localDate(installed)}, before its release on ${localDate(release)}`,
      ),
    ];
  },
};
