import { ACR_EASA } from '../lib/acr-formats.ts';
import { finding, type Rule, str } from '../types.ts';

/**
 * TRACE-CERT-EASA (EASA, UK_CAA): an installed component needs an EASA Form 1 reference
 * (M.A.501(a)(1)); a standard part or material needs evidence of conformity instead.
 */
export const TRACE_CERT_EASA: Rule = {
  id: 'TRACE-CERT-EASA',
  routes: ['parts-trace'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    if (record.installation_status !== 'installed') return [];
    const acr = str(record.airworthiness_certificate_ref);
    if (acr !== undefined && ACR_EASA.test(acr)) return [];
    if (record.standard_part === true && (str(record.conformity_ref) ?? '').trim() !== '') return [];
    return [
      finding(
        'TRACE-CERT-EASA',
        'ERROR',
        '/airworthiness_certificate_ref',
        'an installed component needs an EASA Form 1 reference (EASA-…), or standard_part with a conformity_ref',
      ),
    ];
  },
};
