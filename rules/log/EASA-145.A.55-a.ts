import { type Finding, finding, type Rule, text } from '../types.ts';

/**
 * EASA-145.A.55-a: the organisation keeps the subcontractors' release documents of subcontracted
 * tasks, and gives the operator a copy of each CRS (145.A.55(a)(1)(2)).
 */
export const EASA_145_A_55_A: Rule = {
  id: 'EASA-145.A.55-a',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    const out: Finding[] = [];
    const subcontracted = Array.isArray(record.subcontracted_tasks) && record.subcontracted_tasks.length > 0;
    const refs = Array.isArray(record.subcontractor_release_refs) ? record.subcontractor_release_refs : [];
    if (subcontracted && refs.length === 0)
      out.push(
        finding(
          'EASA-145.A.55-a',
          'ERROR',
          '/subcontractor_release_refs',
          "subcontracted tasks need the subcontractors' release documents",
        ),
      );
    if (record.crs !== null && record.crs !== undefined && !text(record.crs_copy_delivered_to))
      out.push(
        finding(
          'EASA-145.A.55-a',
          'ERROR',
          '/crs_copy_delivered_to',
          'say which operator was given a copy of the CRS',
        ),
      );
    return out;
  },
};
