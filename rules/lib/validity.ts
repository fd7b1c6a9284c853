import type { RefValue } from '../refdata.ts';
import type { Payload } from '../types.ts';
import type { Moment } from './time.ts';

/**
 * Reference-data dates against a record's moment. A date-only value (`2025-03-14`) is a calendar
 * day, compared with the date the record was written with in its own offset — as an inspector
 * reads it — so a licence valid until 2025-03-14 covers a CRS of 2025-03-14T20:00-05:00. A
 * date-time value is compared as an instant.
 */
const isDay = (v: string) => v.length === 10;

/** The moment is on or after `v` (a start, or a withdrawal / deactivation that ends validity). */
export function onOrAfter(m: Moment, v: string): boolean {
  return isDay(v) ? m.date >= v : m.ms >= Date.parse(v);
}

/** The moment is on or before `v` (the last day or instant still valid). */
export function onOrBefore(m: Moment, v: string): boolean {
  return isDay(v) ? m.date <= v : m.ms <= Date.parse(v);
}

/** Within a validity period, both ends included; null is open-ended. */
export function within(from: string | null, until: string | null, m: Moment): boolean {
  return (from === null || onOrAfter(m, from)) && (until === null || onOrBefore(m, until));
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
