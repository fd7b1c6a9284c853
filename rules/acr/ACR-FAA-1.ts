import { ACR_FAA } from '../lib/acr-formats.ts';
import { formatRule } from '../lib/format-rule.ts';

/** ACR-FAA-1: FAA-<issuer approval, 4-10 alphanumerics>-<normalised block-3 tracking number>. */
export const ACR_FAA_1 = formatRule({
  id: 'ACR-FAA-1',
  field: 'airworthiness_certificate_ref',
  appliesTo: (ref) => ref.startsWith('FAA-'),
  ok: (ref) => ACR_FAA.test(ref),
  message: 'must be FAA-<issuer 4-10 alphanumerics>-<tracking number>',
});
