import { at, type Finding, finding, type Rule, text } from '../types.ts';

/**
 * FAA-145.219-a (WARN): a repair station keeps its records in English and gives the owner or
 * operator a copy of the maintenance release (14 CFR 145.219(a)(b)).
 */
export const FAA_145_219_A: Rule = {
  id: 'FAA-145.219-a',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  check(record) {
    if (at(record, '/approver/certificate_kind') !== 'REPAIR_STATION') return [];
    const out: Finding[] = [];
    if (record.language !== 'en')
      out.push(
        finding('FAA-145.219-a', 'WARN', '/language', 'a repair station keeps its records in English (en)'),
      );
    if (!text(record.release_copy_delivered_to))
      out.push(
        finding(
          'FAA-145.219-a',
          'WARN',
          '/release_copy_delivered_to',
          'a repair station gives the owner or operator a copy of the release: say to whom',
        ),
      );
    return out;
  },
};
