import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

interface LifeStatus {
  cycles?: number | null;
  limit_cycles?: number | null;
  hours?: number | null;
  limit_hours?: number | null;
}

/** TRACE-LLP-2: a life-limited part is not installed at or beyond its limit (cycles or hours). */
export const TRACE_LLP_2: Rule = {
  id: 'TRACE-LLP-2',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  check(record) {
    if (record.life_limited !== true || record.installation_status !== 'installed') return [];
    const s = (record.life_status ?? {}) as LifeStatus;
    const over = (used?: number | null, limit?: number | null) =>
      used != null && limit != null && used >= limit;
    const out = [];
    if (over(s.cycles, s.limit_cycles)) {
      out.push(
        finding(
          'TRACE-LLP-2',
          'ERROR',
          '/life_status/cycles',
          `${s.cycles} cycles reach the limit of ${s.limit_cycles}`,
        ),
      );
    }
    if (over(s.hours, s.limit_hours)) {
      out.push(
        finding(
          'TRACE-LLP-2',
          'ERROR',
          '/life_status/hours',
          `${s.hours} hours reach the limit of ${s.limit_hours}`,
        ),
      );
    }
    return out;
  },
};
