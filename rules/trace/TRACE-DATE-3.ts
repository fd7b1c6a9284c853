import { referencedRelease } from '../lib/release.ts';
import { localDate } from '../lib/time.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/**
 * TRACE-DATE-3: an installed part is not installed before the release date of the 8130-3 / Form 1
 * it references (block 14e/13e, from airlock.ref.releases), compared as a date in the event's own
 * offset (M.A.501). ACR-ITEM-1 reports a release that is not on file.
 */
export const TRACE_DATE_3: Rule = {
  id: 'TRACE-DATE-3',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  reference: true,
  check(record, ctx) {
    if (record.installation_status !== 'installed') return [];
    const release = referencedRelease(record, ctx);
    const v = str(record.installation_date);
    if (!release || v === undefined || Number.isNaN(Date.parse(v))) return [];
    if (localDate(v) >= release.release_date.slice(0, 10)) return [];
    return [
      finding(
        'TRACE-DATE-3',
        'ERROR',
        '/installation_date',
        `installed before the release certificate's date (${release.release_date.slice(0, 10)})`,
      ),
    ];
  },
};
