import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';
import { ACR_SEED } from './formats.ts';

/** ACR-SEED-1: FAA-… or EASA-… uppercase alphanumeric groups with single hyphens, 5–64 characters. */
export const ACR_SEED_1: Rule = {
  id: 'ACR-SEED-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const ref = str(record.airworthiness_certificate_ref);
    if (ref === undefined || ACR_SEED.test(ref)) return [];
    return [
      finding(
        'ACR-SEED-1',
        'ERROR',
        '/airworthiness_certificate_ref',
        'must be FAA-… or EASA-…: uppercase groups joined by single hyphens, 5-64 characters',
      ),
    ];
  },
};
