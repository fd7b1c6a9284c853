import { ACR_SEED } from '../lib/acr-formats.ts';
import { formatRule } from '../lib/format-rule.ts';

/** ACR-SEED-1: FAA-… or EASA-… uppercase alphanumeric groups with single hyphens, 5–64 characters. */
export const ACR_SEED_1 = formatRule({
  id: 'ACR-SEED-1',
  field: 'airworthiness_certificate_ref',
  ok: (ref) => ACR_SEED.test(ref),
  message: 'must be FAA-… or EASA-…: uppercase groups joined by single hyphens, 5-64 characters',
});
