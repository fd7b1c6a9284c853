import { str } from '../types.ts';
import { plus, purgeGuard, retentionRule } from './purge.ts';

/** RET-FAA-91.417-b1: maintenance records, until superseded or 1 year after the work, the later. */
export const RET_FAA_91_417_B1 = retentionRule('RET-FAA-91.417-b1', (record) =>
  purgeGuard(
    'RET-FAA-91.417-b1',
    record,
    'MAINTENANCE',
    'work_date',
    'until superseded and at least 1 year',
    (d, r) => {
      const superseded = str(r.superseded_at);
      return Math.max(plus(d, 1), superseded ? Date.parse(superseded) : Number.POSITIVE_INFINITY);
    },
  ),
);
