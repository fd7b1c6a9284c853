import { at, finding, type Rule, str, text } from '../types.ts';

/** FAA-43.9-a3: the name of the person who performed the work, when not the approver (14 CFR 43.9(a)(3)). */
export const FAA_43_9_A3: Rule = {
  id: 'FAA-43.9-a3',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  check(record) {
    const performer = str(record.performed_by_badge_hash);
    if (performer === undefined || performer === str(at(record, '/approver/badge_hash'))) return [];
    if (text(record.performed_by_name)) return [];
    return [
      finding(
        'FAA-43.9-a3',
        'ERROR',
        '/performed_by_name',
        'the work was performed by someone other than the approver: their name is required',
      ),
    ];
  },
};
