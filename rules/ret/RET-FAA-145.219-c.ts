import { plus, purgeGuard, retentionRule } from './purge.ts';

/** RET-FAA-145.219-c: repair-station records, 2 years from approval for return to service. */
export const RET_FAA_145_219_C = retentionRule('RET-FAA-145.219-c', (record) =>
  purgeGuard(
    'RET-FAA-145.219-c',
    record,
    'REPAIR_STATION',
    'rts_date',
    '2 years from return to service',
    (d) => plus(d, 2),
  ),
);
