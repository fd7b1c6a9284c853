import { ACR_EASA } from '../lib/acr-formats.ts';
import { formatRule } from '../lib/format-rule.ts';

/** ACR-EASA-1: EASA-<state>-<scheme>-<number>-<tracking> (block 14c approval with hyphens + block 3). */
export const ACR_EASA_1 = formatRule({
  id: 'ACR-EASA-1',
  field: 'airworthiness_certificate_ref',
  appliesTo: (ref) => ref.startsWith('EASA-'),
  ok: (ref) => ACR_EASA.test(ref),
  message: 'must be EASA-<state>-<145|21G|CAO|MF>-<number>-<tracking number>',
});
