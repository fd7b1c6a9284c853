import { finding, type Rule, text } from '../types.ts';

/** FAA-43.9-a1: a maintenance entry describes the work, or references acceptable data (14 CFR 43.9(a)(1)). */
export const FAA_43_9_A1: Rule = {
  id: 'FAA-43.9-a1',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  check(record) {
    if (text(record.work_description) || text(record.maintenance_data_ref)) return [];
    return [
      finding(
        'FAA-43.9-a1',
        'ERROR',
        '/work_description',
        'a maintenance entry needs a description of the work or a reference to the maintenance data used',
      ),
    ];
  },
};
