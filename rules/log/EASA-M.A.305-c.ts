import { type Finding, finding, type Rule, text } from '../types.ts';

/**
 * EASA-M.A.305-c: status records — an AD compliance entry names the AD, its revision and the method
 * of compliance; a structural repair its description, location and dimensions (M.A.305(c), AMC).
 */
export const EASA_M_A_305_C: Rule = {
  id: 'EASA-M.A.305-c',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    const required: Record<string, readonly string[]> = {
      AD_COMPLIANCE: ['ad_number', 'ad_revision', 'method_of_compliance'],
      REPAIR: ['work_description', 'repair_location', 'repair_dimensions'],
    };
    const out: Finding[] = [];
    for (const field of required[String(record.event)] ?? []) {
      if (!text(record[field]))
        out.push(
          finding(
            'EASA-M.A.305-c',
            'ERROR',
            `/${field}`,
            `a ${String(record.event)} entry needs ${field.replaceAll('_', ' ')}`,
          ),
        );
    }
    return out;
  },
};
