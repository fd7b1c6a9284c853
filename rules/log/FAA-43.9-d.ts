import { finding, type Rule, text } from '../types.ts';

/** FAA-43.9-d: major repairs and alterations are also recorded on FAA Form 337 (14 CFR 43.9(d)). */
export const FAA_43_9_D: Rule = {
  id: 'FAA-43.9-d',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  check(record) {
    if (record.work_class !== 'MAJOR_REPAIR' && record.work_class !== 'MAJOR_ALTERATION') return [];
    if (text(record.form_337_ref)) return [];
    return [
      finding(
        'FAA-43.9-d',
        'ERROR',
        '/form_337_ref',
        `${String(record.work_class)} needs its FAA Form 337 reference`,
      ),
    ];
  },
};
