import { at, finding, type Rule, str } from '../types.ts';

/** Designator, type letter (R, D, Y, Z), 3-digit sequence, suffix: REGULATORY.md says unverified. */
const AIR_AGENCY = /^[A-Z0-9]{3}[RDYZ][0-9]{3}[A-Z]$/;

/**
 * ACR-APPR-2 (WARN): an FAA air-agency (repair station) certificate number, where a logbook entry is
 * approved under a repair station, has the form of FSIMS / Order 8310 (e.g. ABCR123X). The exact
 * layout is not verified, so WARN only.
 */
export const ACR_APPR_2: Rule = {
  id: 'ACR-APPR-2',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: true,
  check(record) {
    if (at(record, '/approver/certificate_kind') !== 'REPAIR_STATION') return [];
    const v = str(at(record, '/approver/certificate_number'));
    if (v === undefined || AIR_AGENCY.test(v)) return [];
    return [
      finding(
        'ACR-APPR-2',
        'WARN',
        '/approver/certificate_number',
        'a repair station certificate number has the form designator, R/D/Y/Z, 3 digits, letter, e.g. ABCR123X',
      ),
    ];
  },
};
