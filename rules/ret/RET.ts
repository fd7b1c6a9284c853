/**
 * The retention guard on PURGE events (REGULATORY.md §10): each rule whose record class applies
 * must allow the purge, so the longest period wins (RET-MAX); a legal hold allows none.
 */
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';
import { plus, purgeGuard, purgeOf } from './purge.ts';

const rule = (id: string, check: Rule['check']): Rule => ({
  id,
  routes: ['compliance-audit'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  check,
});

/** RET-FAA-91.417-b1: maintenance records, until superseded or 1 year after the work, the later. */
export const RET_FAA_91_417_B1 = rule('RET-FAA-91.417-b1', (record) =>
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

/** RET-FAA-91.417-b2: status records are never purged while operated; they leave with the aircraft. */
export const RET_FAA_91_417_B2 = rule('RET-FAA-91.417-b2', (record) => {
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

/** RET-FAA-145.219-c: repair-station records, 2 years from approval for return to service. */
export const RET_FAA_145_219_C = rule('RET-FAA-145.219-c', (record) =>
  purgeGuard(
    'RET-FAA-145.219-c',
    record,
    'REPAIR_STATION',
    'rts_date',
    '2 years from return to service',
    (d) => plus(d, 2),
  ),
);

/** RET-EASA-145.A.55: AMO maintenance records, 3 years from the CRS. */
export const RET_EASA_145_A_55 = rule('RET-EASA-145.A.55', (record) =>
  purgeGuard('RET-EASA-145.A.55', record, 'AMO', 'crs_date', '3 years from the CRS', (d) => plus(d, 3)),
);

/** RET-EASA-TECHLOG: the technical log, 36 months after its last entry. */
export const RET_EASA_TECHLOG = rule('RET-EASA-TECHLOG', (record) =>
  purgeGuard(
    'RET-EASA-TECHLOG',
    record,
    'TECH_LOG',
    'last_entry_date',
    '36 months after the last entry',
    (d) => plus(d, 0, 36),
  ),
);

/** RET-MAX: a PURGE states its retention data; a legal hold overrides every period. */
export const RET_MAX = rule('RET-MAX', (record) => {
  if (record.action !== 'PURGE') return [];
  const r = record.retention as Record<string, unknown> | null | undefined;
  if (!r || !Array.isArray(r.record_classes) || r.record_classes.length === 0)
    return [
      finding('RET-MAX', 'ERROR', '/retention', 'a purge must state the record classes and their dates'),
    ];
  if (r.legal_hold === true)
    return [finding('RET-MAX', 'ERROR', '/retention/legal_hold', 'under a legal hold: no purge')];
  return [];
});
