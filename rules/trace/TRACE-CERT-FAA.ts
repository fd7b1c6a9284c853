import { finding, type Rule, str } from '../types.ts';

/**
 * TRACE-CERT-FAA (FAA): an 8130-3 is one way to show eligibility, not the only one (AC 20-62E).
 * Installed with neither a release reference nor other eligibility evidence: ERROR; with other
 * evidence only: WARN.
 */
export const TRACE_CERT_FAA: Rule = {
  id: 'TRACE-CERT-FAA',
  routes: ['parts-trace'],
  ruleSets: ['FAA'],
  structural: false,
  check(record) {
    if (record.installation_status !== 'installed') return [];
    if (str(record.airworthiness_certificate_ref) !== undefined) return [];
    if ((str(record.eligibility_doc_ref) ?? '').trim() !== '') {
      return [
        finding(
          'TRACE-CERT-FAA',
          'WARN',
          '/airworthiness_certificate_ref',
          'no 8130-3 referenced; eligibility rests on eligibility_doc_ref',
        ),
      ];
    }
    return [
      finding(
        'TRACE-CERT-FAA',
        'ERROR',
        '/eligibility_doc_ref',
        'an installed part needs an airworthiness_certificate_ref or an eligibility_doc_ref',
      ),
    ];
  },
};
