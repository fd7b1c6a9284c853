import { dateTimeProblem } from '../lib/time.ts';
import { type Finding, finding, type Rule, str, text } from '../types.ts';

const DAY_MS = 86_400_000;

/**
 * EASA-M.A.305-a: the CRS is entered in the continuing-airworthiness record no later than 30 days
 * after the maintenance (WARN LATE_CRS_ENTRY past that, judged as of when Airlock received the
 * record), with a unique reference to the CRS (M.A.305(a), AMC M.A.305(a)). Its presence is checked
 * here; uniqueness per aircraft needs the record history (docs/rules.md).
 */
export const EASA_M_A_305_A: Rule = {
  id: 'EASA-M.A.305-a',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record, { now }) {
    const out: Finding[] = [];
    if (record.crs !== null && record.crs !== undefined && !text(record.crs_ref))
      out.push(finding('EASA-M.A.305-a', 'ERROR', '/crs_ref', 'the unique reference to the CRS is missing'));
    const done = str(record.completion_date);
    if (
      done !== undefined &&
      dateTimeProblem(done) === undefined &&
      now.getTime() - Date.parse(done) > 30 * DAY_MS
    )
      out.push(
        finding(
          'EASA-M.A.305-a',
          'WARN',
          '/completion_date',
          'LATE_CRS_ENTRY: entered more than 30 days after the maintenance was completed',
        ),
      );
    return out;
  },
};
