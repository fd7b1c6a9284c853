import { plus, purgeGuard, retentionRule } from './purge.ts';

/** RET-EASA-TECHLOG: the technical log, 36 months after its last entry. */
export const RET_EASA_TECHLOG = retentionRule('RET-EASA-TECHLOG', (record) =>
  purgeGuard(
    'RET-EASA-TECHLOG',
    record,
    'TECH_LOG',
    'last_entry_date',
    '36 months after the last entry',
    (d) => plus(d, 0, 36),
  ),
);
