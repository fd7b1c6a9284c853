import { finding } from '../types.ts';
import { purgeOf, retentionRule } from './purge.ts';

/** RET-FAA-91.417-b2: status records are never purged while operated; they leave with the aircraft. */
export const RET_FAA_91_417_B2 = retentionRule('RET-FAA-91.417-b2', (record) => {
  const p = purgeOf(record);
  if (!p?.classes.includes('STATUS') || p.r.transferred_out === true) return [];
  return [
    finding(
      'RET-FAA-91.417-b2',
      'ERROR',
      '/retention/record_classes',
      'status records are transferred with the aircraft, never purged',
    ),
  ];
});
