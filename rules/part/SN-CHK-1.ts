import { mod3736Valid } from '../lib/mod37-36.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, type RuleParams, str } from '../types.ts';
import { SERIAL_FORMAT } from './SN-FMT-1.ts';

/**
 * SN-CHK-1: the last character is the ISO/IEC 7064 MOD 37,36 check character of the others
 * (hyphens removed). Our convention, not law: OEM serials carry no check character, so the
 * severity is configuration (REGULATORY.md §7.2 caveat): WARN by default, and per issuer — the
 * organisation whose release certificate the record references, matched by the longest prefix of
 * `airworthiness_certificate_ref` in `serialChecksumByIssuer` (ERROR for the serials you issue).
 */
export function checksumLevel(
  record: Readonly<Record<string, unknown>>,
  params: RuleParams,
): RuleParams['serialChecksum'] {
  const ref = str(record.airworthiness_certificate_ref);
  let best: string | undefined;
  if (ref !== undefined)
    for (const prefix of Object.keys(params.serialChecksumByIssuer))
      if (ref.startsWith(prefix) && prefix.length > (best?.length ?? -1)) best = prefix;
  return best === undefined
    ? params.serialChecksum
    : (params.serialChecksumByIssuer[best] ?? params.serialChecksum);
}

export const SN_CHK_1: Rule = {
  id: 'SN-CHK-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record, { params }) {
    const sn = str(record.serial_number);
    const level = checksumLevel(record, params);
    if (level === 'off' || sn === undefined || sn === 'N/A' || !SERIAL_FORMAT.test(sn)) return [];
    if (mod3736Valid(sn.replaceAll('-', ''))) return [];
    const severity = level === 'error' ? 'ERROR' : 'WARN';
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
