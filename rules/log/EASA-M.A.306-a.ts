import { isCalendarDate, momentOf } from '../lib/time.ts';
import { type Finding, finding, type Rule, text } from '../types.ts';

const ID = 'EASA-M.A.306-a';
const SECTOR = [
  ['sector_ref', 'its reference'],
  ['date', 'the date of the flight'],
  ['takeoff_place', 'the place of take-off'],
  ['takeoff_at', 'the time of take-off'],
  ['landing_place', 'the place of landing'],
  ['landing_at', 'the time of landing'],
] as const;

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * EASA-M.A.306-a: a technical log entry (entry_type TECH_LOG) records its sector — reference, date,
 * take-off and landing place and time, running total of flight hours (AMC M.A.306(a) section 1) — and
 * each outstanding deferred defect cites the sector record where it was first entered and its
 * original date of occurrence (section 4). The registration is the record's own (CTX-REG-1).
 */
export const EASA_M_A_306_A: Rule = {
  id: ID,
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    if (record.entry_type !== 'TECH_LOG') return [];
    const log = obj(record.tech_log);
    if (log === undefined)
      return [finding(ID, 'ERROR', '/tech_log', 'a technical log entry needs its sector record')];
    const out: Finding[] = [];
    const sector = obj(log.sector);
    if (sector === undefined)
      out.push(finding(ID, 'ERROR', '/tech_log/sector', 'the sector record is missing'));
    else {
      for (const [field, what] of SECTOR)
        if (!text(sector[field]))
          out.push(finding(ID, 'ERROR', `/tech_log/sector/${field}`, `the sector record needs ${what}`));
      if (text(sector.date) && !isCalendarDate(String(sector.date)))
        out.push(finding(ID, 'ERROR', '/tech_log/sector/date', 'the date is YYYY-MM-DD'));
      const off = momentOf(sector.takeoff_at)?.ms;
      const on = momentOf(sector.landing_at)?.ms;
      for (const [field, ms] of [
        ['takeoff_at', off],
        ['landing_at', on],
      ] as const)
        if (text(sector[field]) && ms === undefined)
          out.push(
            finding(ID, 'ERROR', `/tech_log/sector/${field}`, 'an RFC 3339 date-time with offset (TIME-1)'),
          );
      if (off !== undefined && on !== undefined && on < off)
        out.push(finding(ID, 'ERROR', '/tech_log/sector/landing_at', 'the landing is before the take-off'));
      const hours = sector.running_total_hours;
      if (typeof hours === 'number' && !(hours >= 0))
        out.push(
          finding(
            ID,
            'ERROR',
            '/tech_log/sector/running_total_hours',
            'the running total must not be negative',
          ),
        );
      else if (typeof hours !== 'number')
        out.push(
          finding(
            ID,
            'ERROR',
            '/tech_log/sector/running_total_hours',
            'the running total of flight hours is required',
          ),
        );
    }
    const defects = Array.isArray(log.deferred_defects) ? log.deferred_defects : [];
    defects.forEach((d, i) => {
      const defect = obj(d) ?? {};
      const path = `/tech_log/deferred_defects/${i}`;
      if (!text(defect.origin_sector_ref))
        out.push(
          finding(
            ID,
            'ERROR',
            `${path}/origin_sector_ref`,
            'a deferred defect cites the sector record where it was first entered',
          ),
        );
      const on = text(defect.occurred_on);
      if (on === undefined || !isCalendarDate(on))
        out.push(
          finding(
            ID,
            'ERROR',
            `${path}/occurred_on`,
            'a deferred defect carries its original date of occurrence, YYYY-MM-DD',
          ),
        );
    });
    return out;
  },
};
