import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';

const BLOCK_11 = new Set(['OVERHAULED', 'REPAIRED', 'INSPECTED/TESTED', 'MODIFIED']);

/** ACR-STATUS-1: Form 1 block 11, when sent, is exactly OVERHAULED, REPAIRED, INSPECTED/TESTED or MODIFIED. */
export const ACR_STATUS_1: Rule = {
  id: 'ACR-STATUS-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const s = str(record.release_status);
    if (s === undefined || BLOCK_11.has(s)) return [];
    return [
      finding(
        'ACR-STATUS-1',
        'ERROR',
        '/release_status',
        'release_status must be OVERHAULED, REPAIRED, INSPECTED/TESTED or MODIFIED',
      ),
    ];
  },
};
