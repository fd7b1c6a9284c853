import { ACR_EASA, ACR_FAA } from '../lib/acr-formats.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/** ACR-NORM-1's normal form of a block-3 form tracking number. */
export function normaliseTracking(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The tracking part of a release-certificate reference in the FAA or EASA envelope. */
export function trackingPart(ref: string): string | undefined {
  return ACR_FAA.exec(ref)?.[2] ?? ACR_EASA.exec(ref)?.[4];
}

/**
 * ACR-NORM-1 (WARN): the raw block-3 value, kept in `form_tracking_number_raw`, normalises to the
 * tracking part of `airworthiness_certificate_ref` — else the reference and the printed form do
 * not name the same certificate. The record is never rewritten: both values travel as sent.
 */
export const ACR_NORM_1: Rule = {
  id: 'ACR-NORM-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const raw = str(record.form_tracking_number_raw);
    const ref = str(record.airworthiness_certificate_ref);
    const tracking = ref === undefined ? undefined : trackingPart(ref);
    if (raw === undefined || tracking === undefined) return [];
    const normal = normaliseTracking(raw);
    if (normal === tracking) return [];
    return [
      finding(
        'ACR-NORM-1',
        'WARN',
        '/form_tracking_number_raw',
        `normalises to ${normal || '(nothing)'}, not the reference's tracking number ${tracking}`,
      ),
    ];
  },
};
