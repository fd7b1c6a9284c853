import { history } from '../history.ts';
import { historyRule } from '../lib/history-rule.ts';
import { momentOf } from '../lib/time.ts';
import { finding } from '../types.ts';

const PARAMETERS = ['flight_hours', 'flight_cycles', 'landings'] as const;

/**
 * EASA-M.A.305-b1 (against the aircraft's history): totals in service never go down. An entry dated
 * at or after the aircraft's latest one carries totals at least as high; an entry entered late
 * (dated before it) carries none higher.
 */
export const EASA_M_A_305_B1_TOTALS = historyRule(
  'EASA-M.A.305-b1',
  ['logbook'],
  ['EASA', 'UK_CAA'],
  (record, h, ctx) => {
    const t = record.total_in_service as Record<string, unknown> | null | undefined;
    const last = history.aircraft(h, ctx.context.aircraft_registration)?.totals;
    const at = momentOf(record.completion_date)?.ms;
    const lastAt = momentOf(last?.at)?.ms;
    if (!t || !last || at === undefined || lastAt === undefined) return [];
    const later = at >= lastAt;
    return PARAMETERS.filter((p) => {
      const now = t[p];
      const before = last[p];
      if (typeof now !== 'number' || typeof before !== 'number') return false;
      return later ? now < before : now > before;
    }).map((p) =>
      finding(
        'EASA-M.A.305-b1',
        'ERROR',
        `/total_in_service/${p}`,
        later
          ? `${p} ${String(t[p])} is below ${String(last[p])}, the aircraft's total at ${last.at}: totals do not decrease`
          : `${p} ${String(t[p])} is above ${String(last[p])}, the aircraft's total at the later ${last.at}`,
      ),
    );
  },
);
