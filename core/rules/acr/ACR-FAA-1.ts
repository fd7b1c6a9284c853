import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';
import { ACR_FAA } from './formats.ts';

/** ACR-FAA-1: FAA-<issuer approval, 4-10 alphanumerics>-<normalised block-3 tracking number>. */
export const ACR_FAA_1: Rule = {
  id: 'ACR-FAA-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const ref = str(record.airworthiness_certificate_ref);
    if (ref === undefined || !ref.startsWith('FAA-') || ACR_FAA.test(ref)) return [];
    return [
      finding(
        'ACR-FAA-1',
        'ERROR',
        '/airworthiness_certificate_ref',
        'must be FAA-<issuer 4-10 alphanumerics>-<tracking number>',
      ),
    ];
  },
};
