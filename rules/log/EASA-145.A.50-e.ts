import { at, type Finding, finding, type Rule, str } from '../types.ts';

/**
 * EASA-145.A.50-e: a CRS issued with ordered maintenance not completed states it in its
 * limitations: every incomplete task is cited by a limitation (145.A.50(c),(e)).
 */
export const EASA_145_A_50_E: Rule = {
  id: 'EASA-145.A.50-e',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    const tasks = Array.isArray(record.incomplete_tasks) ? record.incomplete_tasks.map(String) : [];
    if (tasks.length === 0) return [];
    const limitations = at(record, '/crs/limitations');
    const cited = (Array.isArray(limitations) ? limitations : []).map((l) => str(l) ?? '');
    const out: Finding[] = [];
    tasks.forEach((task, i) => {
      if (!cited.some((l) => l.includes(task)))
        out.push(
          finding(
            'EASA-145.A.50-e',
            'ERROR',
            `/incomplete_tasks/${i}`,
            `incomplete task ${task} is not cited in the CRS limitations`,
          ),
        );
    });
    return out;
  },
};
