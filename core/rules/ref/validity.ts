import type { RefValue } from '../../refdata/kinds.ts';
import { dateTimeProblem } from '../time.ts';
import { type Payload, str } from '../types.ts';

const DAY_MS = 86_400_000;

/**
 * Whether `atMs` lies in a validity period of reference data. `from` starts at its first instant;
 * `until` is the last day (or instant) still valid, so a date-only `until` covers that whole UTC
 * day. A null `until` is open-ended.
 */
export function within(from: string | null, until: string | null, atMs: number): boolean {
  if (from !== null && atMs < Date.parse(from)) return false;
  if (until === null) return true;
  const end = until.length === 10 ? Date.parse(until) + DAY_MS : Date.parse(until) + 1;
  return atMs < end;
}

/** A date-time field of a record as ms, or undefined when absent or not RFC 3339 (TIME-1 says so). */
export function timeAt(value: unknown): number | undefined {
  const v = str(value);
  return v === undefined || dateTimeProblem(v) !== undefined ? undefined : Date.parse(v);
}

/** The CRS of an EASA / UK logbook entry, or undefined. */
export function crsOf(record: Payload): Record<string, unknown> | undefined {
  const crs = record.crs;
  return crs !== null && typeof crs === 'object' && !Array.isArray(crs)
    ? (crs as Record<string, unknown>)
    : undefined;
}

/** The aircraft types a Part-145 certification authorisation covers (`A320/B1` → `A320`). */
export function scopeTypes(person: RefValue<'technicians'>): string[] {
  return person.authorisation_scope.map((s) => s.slice(0, s.lastIndexOf('/')).toUpperCase());
}
