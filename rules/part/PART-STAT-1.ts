import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

const STATUSES = new Set(['installed', 'removed', 'inspected']);

/** PART-STAT-1: installation_status is installed, removed or inspected, lowercase (the Avro enum agrees). */
export const PART_STAT_1: Rule = {
  id: 'PART-STAT-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    if (STATUSES.has(String(record.installation_status))) return [];
    return [
      finding(
        'PART-STAT-1',
        'ERROR',
        '/installation_status',
        'installation_status must be installed, removed or inspected',
      ),
    ];
  },
};
