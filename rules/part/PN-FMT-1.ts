import { formatRule } from '../lib/format-rule.ts';

const PART_NUMBER = /^[A-Z0-9](?:[A-Z0-9./-]{0,30}[A-Z0-9])?$/;

/** PN-FMT-1: 1–32 of [A-Z0-9./-], alphanumeric at both ends, stored as marked (no O→0 rewrite). */
export const PN_FMT_1 = formatRule({
  id: 'PN-FMT-1',
  field: 'part_number',
  ok: (pn) => PART_NUMBER.test(pn),
  message: 'part_number must be 1-32 of A-Z 0-9 . / -, alphanumeric at both ends',
});
