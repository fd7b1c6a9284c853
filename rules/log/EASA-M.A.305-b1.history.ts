import { history, TOTAL_PARAMETERS } from '../history.ts';
import { historyRule } from '../lib/history-rule.ts';
import { momentOf } from '../lib/time.ts';
import { finding } from '../types.ts';

/**
 * EASA-M.A.305-b1 (against the aircraft's history): totals in service never go down. Per
 * parameter, an entry dated at or after the one that gave the aircraft's latest value carries a
 * value at least as high; an entry entered late (dated before it) carries none higher.
 */
export const EASA_M_A_305_B1_TOTALS = historyRule(
  'EASA-M.A.305-b1',
  ['logbook'],
  ['EASA', 'UK_CAA'],
  (record, h, ctx) => {
    const t = record.total_in_service as Record<string, unknown> | null | undefined;
    const totals = history.aircraft(h, ctx.context.aircraft_registration)?.totals;
    const at = momentOf(record.completion_date)?.ms;
    if (!t || !totals || at === undefined) return [];
    return TOTAL_PARAMETERS.flatMap((p) => {
      const now = t[p];
      const last = totals[p];
      const lastAt = momentOf(last?.at)?.ms;
      if (typeof now !== 'number' || !last || lastAt === undefined) return [];
      const later = at >= lastAt;
      if (later ? now >= last.value : now <= last.value) return [];
      return [
        finding(
          'EASA-M.A.305-b1',
          'ERROR',
          `/total_in_service/${p}`,
          later
            ? `${p} ${now} is below ${last.value}, the aircraft's total at ${last.at}: totals do not decrease`
            : `${p} ${now} is above ${last.value}, the aircraft's total at the later ${last.at}`,
        ),
      ];
    });
  },
);
