import { referencedRelease } from '../lib/release.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { type Finding, finding, type Rule, str } from '../types.ts';

/**
 * ACR-ITEM-1: the release correlates with the item — the record's part and serial numbers equal
 * blocks 8 and 10 of the certificate it references (airlock.ref.releases); block 10 `N/A` for an
 * item without a serial number. A referenced certificate that is not on file cannot be correlated:
 * an ERROR too (fail closed).
 */
export const ACR_ITEM_1: Rule = {
  id: 'ACR-ITEM-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  reference: true,
  check(record, ctx) {
    const ref = str(record.airworthiness_certificate_ref);
    if (ref === undefined || !ctx.reference) return [];
    const release = referencedRelease(record, ctx);
    if (!release)
      return [
        finding(
          'ACR-ITEM-1',
          'ERROR',
          '/airworthiness_certificate_ref',
          `release certificate ${ref} is not on file`,
        ),
      ];
    const out: Finding[] = [];
    if (release.part_number !== record.part_number)
      out.push(
        finding('ACR-ITEM-1', 'ERROR', '/part_number', `the certificate is for part ${release.part_number}`),
      );
    if (release.serial_number !== 'N/A' && release.serial_number !== record.serial_number)
      out.push(
        finding(
          'ACR-ITEM-1',
          'ERROR',
          '/serial_number',
          `the certificate is for serial ${release.serial_number}`,
        ),
      );
    return out;
  },
};
