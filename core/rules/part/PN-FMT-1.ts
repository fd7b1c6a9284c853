import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';

const PART_NUMBER = /^[A-Z0-9](?:[A-Z0-9./-]{0,30}[A-Z0-9])?$/;

/** PN-FMT-1: 1–32 of [A-Z0-9./-], alphanumeric at both ends, stored as marked (no O→0 rewrite). */
export const PN_FMT_1: Rule = {
  id: 'PN-FMT-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const pn = str(record.part_number);
    if (pn === undefined || PART_NUMBER.test(pn)) return [];
    return [
      finding(
        'PN-FMT-1',
        'ERROR',
        '/part_number',
        'part_number must be 1-32 of A-Z 0-9 . / -, alphanumeric at both ends',
      ),
    ];
  },
};
