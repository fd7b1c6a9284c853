import { mod3736Valid } from '../mod37-36.ts';
import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';
import { SERIAL_FORMAT } from './SN-FMT-1.ts';

/**
 * SN-CHK-1: the last character is the ISO/IEC 7064 MOD 37,36 check character of the others
 * (hyphens removed). Our convention, not law: OEM serials carry no check character, so the
 * severity is configuration (REGULATORY.md §7.2 caveat): WARN by default.
 */
export const SN_CHK_1: Rule = {
  id: 'SN-CHK-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record, { params }) {
    const sn = str(record.serial_number);
    if (params.serialChecksum === 'off' || sn === undefined || sn === 'N/A' || !SERIAL_FORMAT.test(sn))
      return [];
    if (mod3736Valid(sn.replaceAll('-', ''))) return [];
    const severity = params.serialChecksum === 'error' ? 'ERROR' : 'WARN';
    return [
      finding(
        'SN-CHK-1',
        severity,
        '/serial_number',
        'the last character is not the MOD 37,36 check character',
      ),
    ];
  },
};
