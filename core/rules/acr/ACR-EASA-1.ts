import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';
import { ACR_EASA } from './formats.ts';

/** ACR-EASA-1: EASA-<state>-<scheme>-<number>-<tracking> (block 14c approval with hyphens + block 3). */
export const ACR_EASA_1: Rule = {
  id: 'ACR-EASA-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const ref = str(record.airworthiness_certificate_ref);
    if (ref === undefined || !ref.startsWith('EASA-') || ACR_EASA.test(ref)) return [];
    return [
      finding(
        'ACR-EASA-1',
        'ERROR',
        '/airworthiness_certificate_ref',
        'must be EASA-<state>-<145|21G|CAO|MF>-<number>-<tracking number>',
      ),
    ];
  },
};
