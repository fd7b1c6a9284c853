import { finding, type Rule } from '../types.ts';

const PARAMETERS = ['flight_hours', 'flight_cycles', 'landings'] as const;

/**
 * EASA-M.A.305-b1: each entry carries the total in-service life in at least one applicable
 * parameter (flight hours, cycles, landings), none negative (M.A.305(b)(1)). The date is
 * completion_date (required by the schema). "Does not decrease against the previous entry" needs the
 * record history (docs/rules.md).
 */
export const EASA_M_A_305_B1: Rule = {
  id: 'EASA-M.A.305-b1',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    // A technical log entry carries its running total in the sector record (EASA-M.A.306-a).
    if (record.entry_type === 'TECH_LOG') return [];
    const t = record.total_in_service as Record<string, unknown> | null | undefined;
    const given = PARAMETERS.filter((p) => typeof t?.[p] === 'number');
    if (given.length === 0)
      return [
        finding(
          'EASA-M.A.305-b1',
          'ERROR',
          '/total_in_service',
          'the total in-service life is required in flight hours, cycles or landings',
        ),
      ];
    return given
      .filter((p) => !((t?.[p] as number) >= 0))
      .map((p) => finding('EASA-M.A.305-b1', 'ERROR', `/total_in_service/${p}`, `${p} must not be negative`));
  },
};
