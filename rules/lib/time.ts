/** RFC 3339 date-times with an explicit offset (TIME-1, TIME-2), and calendar dates (TIME-5). */

// TIME-1, as in the catalogue; the calendar check is done separately.
const RFC3339 =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const DATE_ONLY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export type TimeProblem = 'format' | 'calendar' | 'leap-second' | 'unknown-offset';

/** Why a value is not an acceptable RFC 3339 date-time, or undefined when it is. */
export function dateTimeProblem(value: string): TimeProblem | undefined {
  const m = RFC3339.exec(value);
  if (!m) return 'format';
  if (Number(m[3]) > daysIn(Number(m[1]), Number(m[2]))) return 'calendar';
  if (m[6] === '60') return 'leap-second';
  if (m[8] === '-00:00') return 'unknown-offset';
  return undefined;
}

export function isCalendarDate(value: string): boolean {
  const m = DATE_ONLY.exec(value);
  return m !== null && Number(m[3]) <= daysIn(Number(m[1]), Number(m[2]));
}

/** The calendar date of a date-time in its own offset (the YYYY-MM-DD it was written with). */
export function localDate(value: string): string {
  return value.slice(0, 10);
}

/** A moment a record names: its instant, and the calendar date it was written with (its own offset). */
export interface Moment {
  readonly ms: number;
  readonly date: string;
}

/** A date-time field of a record as a Moment, or undefined when absent or not RFC 3339 (TIME-1 says so). */
export function momentOf(value: unknown): Moment | undefined {
  if (typeof value !== 'string' || dateTimeProblem(value) !== undefined) return undefined;
  return { ms: Date.parse(value), date: localDate(value) };
}

/** The moment of a clock reading (UTC date). */
export const momentAt = (d: Date): Moment => ({ ms: d.getTime(), date: d.toISOString().slice(0, 10) });

/** A reference-data date or date-time (YYYY-MM-DD, or RFC 3339 with offset): what the loaders accept. */
export function isReferenceDate(value: string): boolean {
  return isCalendarDate(value) || dateTimeProblem(value) === undefined;
}
