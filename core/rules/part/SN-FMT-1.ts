import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';

export const SERIAL_FORMAT = /^(?=[A-Z0-9-]{2,36}$)[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

/** SN-FMT-1: uppercase alphanumeric groups joined by single hyphens, 2–36 characters ("N/A" is PART-ID-1's). */
export const SN_FMT_1: Rule = {
  id: 'SN-FMT-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const sn = str(record.serial_number);
    if (sn === undefined || sn === 'N/A' || SERIAL_FORMAT.test(sn)) return [];
    return [
      finding(
        'SN-FMT-1',
        'ERROR',
        '/serial_number',
        'serial_number must be 2-36 uppercase letters/digits in groups joined by single hyphens',
      ),
    ];
  },
};
