import { at, finding, type Rule, str } from '../types.ts';

const APPROVAL = /^(EASA|[A-Z]{2})\.(145|CAMO|CAO|21G|21J|147|MF|MG)\.[A-Z0-9]{1,8}$/;

/**
 * ACR-APPR-1 (WARN): the organisation approval reference of a CRS has the observed form
 * `<state or EASA>.<scheme>.<number>`, e.g. DE.145.0123. Membership in the list of known approvals
 * (ERROR) needs the approvals reference data (docs/rules.md).
 */
export const ACR_APPR_1: Rule = {
  id: 'ACR-APPR-1',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: true,
  check(record) {
    const v = str(at(record, '/crs/organisation_approval_ref'));
    if (v === undefined || APPROVAL.test(v)) return [];
    return [
      finding(
        'ACR-APPR-1',
        'WARN',
        '/crs/organisation_approval_ref',
        'organisation approval reference not in the form <state or EASA>.<scheme>.<number>, e.g. DE.145.0123',
      ),
    ];
  },
};
