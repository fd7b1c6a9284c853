import { history } from '../history.ts';
import { historyRule } from '../lib/history-rule.ts';
import { momentOf } from '../lib/time.ts';
import { finding } from '../types.ts';

/**
 * EASA-145.A.50-b: the CRS is issued before flight. When the aircraft's technical log holds a
 * take-off after the maintenance was completed, the CRS was issued no later than the first such
 * take-off. The take-offs are those of the tech-log sectors already validated (rules/history.ts
 * keeps the latest TAKEOFFS_KEPT per aircraft); a sector that arrives after its CRS does not judge it.
 */
export const EASA_145_A_50_B = historyRule(
  'EASA-145.A.50-b',
  ['logbook'],
  ['EASA', 'UK_CAA'],
  (record, h, ctx) => {
    const crs = record.crs as { issued_at?: unknown } | null | undefined;
    const issued = momentOf(crs?.issued_at)?.ms;
    const done = momentOf(record.completion_date)?.ms;
    if (issued === undefined || done === undefined) return [];
    const takeoffs = history.aircraft(h, ctx.context.aircraft_registration)?.takeoffs ?? [];
    const first = takeoffs.find((t) => (momentOf(t)?.ms ?? 0) > done);
    if (first === undefined || issued <= (momentOf(first)?.ms ?? 0)) return [];
    return [
      finding(
        'EASA-145.A.50-b',
        'ERROR',
        '/crs/issued_at',
        `the CRS was issued after the aircraft took off at ${first}, after the maintenance was completed: a CRS is issued before flight`,
      ),
    ];
  },
);
