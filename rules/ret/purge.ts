import { ALL_RULE_SETS } from '../rule-set.ts';
import { type Finding, finding, type Payload, type Rule, str } from '../types.ts';

export interface Purge {
  at: number;
  classes: readonly string[];
  r: Record<string, unknown>;
}

/** The purge a PURGE event asks for, or undefined for any other action (or no retention data). */
export function purgeOf(record: Payload): Purge | undefined {
  if (record.action !== 'PURGE') return undefined;
  const r = record.retention as Record<string, unknown> | null | undefined;
  const at = Date.parse(String(record.occurred_at));
  if (!r || Number.isNaN(at)) return undefined;
  return { at, classes: Array.isArray(r.record_classes) ? r.record_classes.map(String) : [], r };
}

/** `date` plus whole years / months, in UTC calendar terms. */
export function plus(date: string, years: number, months = 0): number {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() + years, d.getUTCMonth() + months);
  return d.getTime();
}

/**
 * A purge of a record of `cls` is allowed from `from(r)` on. The date it depends on is required;
 * its absence refuses the purge (fail closed).
 */
export function purgeGuard(
  rule: string,
  record: Payload,
  cls: string,
  field: string,
  period: string,
  from: (date: string, r: Record<string, unknown>) => number,
): Finding[] {
  const p = purgeOf(record);
  if (!p?.classes.includes(cls)) return [];
  const date = str(p.r[field]);
  if (date === undefined || Number.isNaN(Date.parse(date)))
    return [finding(rule, 'ERROR', `/retention/${field}`, `a purge of ${cls} records needs ${field}`)];
  const allowed = from(date, p.r);
  if (p.at >= allowed) return [];
  // No end yet (e.g. a record not superseded: +Infinity), or a date that is no date (NaN): no purge.
  const until = Number.isFinite(allowed)
    ? `no purge before ${new Date(allowed).toISOString().slice(0, 10)}`
    : 'no purge yet: the period has no end date (the record is not superseded)';
  return [finding(rule, 'ERROR', '/occurred_at', `${cls} records are kept ${period}: ${until}`)];
}

/**
 * A retention rule (REGULATORY.md §10): each rule whose record class applies must allow the purge,
 * so the longest period wins (RET-MAX); a legal hold allows none.
 */
export const retentionRule = (id: string, check: Rule['check']): Rule => ({
  id,
  routes: ['compliance-audit'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  check,
});
