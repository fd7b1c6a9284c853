import { at, type Finding, finding, type Rule, text } from '../types.ts';

/**
 * EASA-CRS-CONTENT: a certificate of release to service states the work, the date, the organisation
 * approval reference, the certifying staff's authorisation, the release statement and its
 * limitations (an array, possibly empty) (AMC 145.A.50). Applies to EASA and UK CAA records; a
 * technical log entry (M.A.306) needs a CRS only when it carries one.
 */
export const EASA_CRS_CONTENT: Rule = {
  id: 'EASA-CRS-CONTENT',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    if (record.crs === null || record.crs === undefined)
      // A technical log entry records a sector; it carries a CRS only when maintenance was released.
      return record.entry_type === 'TECH_LOG'
        ? []
        : [finding('EASA-CRS-CONTENT', 'ERROR', '/crs', 'the certificate of release to service is missing')];
    const out: Finding[] = [];
    const need = (ok: boolean, path: string, what: string) => {
      if (!ok) out.push(finding('EASA-CRS-CONTENT', 'ERROR', path, `the CRS needs ${what}`));
    };
    need(Boolean(text(record.work_description)), '/work_description', 'the basic details of the work');
    need(Boolean(text(at(record, '/crs/issued_at'))), '/crs/issued_at', 'its date');
    need(
      Boolean(text(at(record, '/crs/organisation_approval_ref'))),
      '/crs/organisation_approval_ref',
      'the organisation approval reference',
    );
    need(
      Boolean(text(at(record, '/crs/certifying_staff_authorisation_ref'))),
      '/crs/certifying_staff_authorisation_ref',
      "the certifying staff's authorisation",
    );
    need(Boolean(text(at(record, '/crs/statement'))), '/crs/statement', 'the release statement');
    need(
      Array.isArray(at(record, '/crs/limitations')),
      '/crs/limitations',
      'its limitations (an empty list when none)',
    );
    return out;
  },
};
