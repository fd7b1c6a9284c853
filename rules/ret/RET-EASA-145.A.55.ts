import { plus, purgeGuard, retentionRule } from './purge.ts';

/** RET-EASA-145.A.55: AMO maintenance records, 3 years from the CRS. */
export const RET_EASA_145_A_55 = retentionRule('RET-EASA-145.A.55', (record) =>
  purgeGuard('RET-EASA-145.A.55', record, 'AMO', 'crs_date', '3 years from the CRS', (d) => plus(d, 3)),
);
