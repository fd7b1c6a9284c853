import { eventMomentOr } from '../lib/event-time.ts';
import { momentOf } from '../lib/time.ts';
import { crsOf, onOrAfter } from '../lib/validity.ts';
import { finding, type Rule, str } from '../types.ts';

const ID = 'ACR-APPR-1';

/**
 * ACR-APPR-1, the ERROR half: the CRS's organisation approval reference is a known approval
 * (airlock.ref.approvals), held on the CRS date — not before it was granted, not on or after it was
 * withdrawn. Its format (WARN) is rules/acr/ACR-APPR-1.ts. Validators only.
 */
export const ACR_APPR_1_KNOWN: Rule = {
  id: ID,
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  reference: true,
  check(record, { reference, now }) {
    const crs = crsOf(record);
    const ref = str(crs?.organisation_approval_ref);
    if (!reference || crs === undefined || ref === undefined) return [];
    const path = '/crs/organisation_approval_ref';
    const approval = reference.get('approvals', ref);
    if (approval === undefined)
      return [finding(ID, 'ERROR', path, `${ref} is not a known organisation approval`)];
    const at = momentOf(crs.issued_at) ?? eventMomentOr('logbook', record, now);
    if (approval.withdrawn_at !== null && onOrAfter(at, approval.withdrawn_at))
      return [finding(ID, 'ERROR', path, `approval ${ref} was withdrawn on ${approval.withdrawn_at}`)];
    if (!onOrAfter(at, approval.valid_from))
      return [finding(ID, 'ERROR', path, `approval ${ref} was granted only on ${approval.valid_from}`)];
    return [];
  },
};
