import { finding, type Rule, str } from '../types.ts';

const RELEASES = new Set(['APPROVED_RTS', 'CRS_ISSUED']);

/**
 * ESIG-INTENT-1: a signature states what it attests (`signature_meaning` on SIGN). A release meaning
 * (APPROVED_RTS, CRS_ISSUED) needs a certificated signer: where the roster is at hand (the
 * validators), the signer's entry must carry a certificate or licence number. The full authority
 * checks (FAA-RTS-1, EASA-145.A.35) need more reference data (docs/rules.md).
 */
export const ESIG_INTENT_1: Rule = {
  id: 'ESIG-INTENT-1',
  routes: ['compliance-audit'],
  ruleSets: ['FAA', 'EASA', 'UK_CAA', 'OTHER'],
  structural: false,
  check(record, { reference }) {
    if (record.action !== 'SIGN') return [];
    const meaning = str(record.signature_meaning);
    if (meaning === undefined)
      return [
        finding('ESIG-INTENT-1', 'ERROR', '/signature_meaning', 'a signature must state what it attests'),
      ];
    if (!RELEASES.has(meaning) || !reference) return [];
    const signer = reference.get('technicians', String(record.actor_badge_hash));
    if (signer?.certificate_number) return [];
    return [
      finding(
        'ESIG-INTENT-1',
        'ERROR',
        '/signature_meaning',
        `${meaning} needs a certificated signer; the roster shows none`,
      ),
    ];
  },
};
