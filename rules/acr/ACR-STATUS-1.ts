import { formatRule } from '../lib/format-rule.ts';

const BLOCK_11 = new Set(['OVERHAULED', 'REPAIRED', 'INSPECTED/TESTED', 'MODIFIED']);

/** ACR-STATUS-1: Form 1 block 11, when sent, is exactly OVERHAULED, REPAIRED, INSPECTED/TESTED or MODIFIED. */
export const ACR_STATUS_1 = formatRule({
  id: 'ACR-STATUS-1',
  field: 'release_status',
  ok: (s) => BLOCK_11.has(s),
  message: 'release_status must be OVERHAULED, REPAIRED, INSPECTED/TESTED or MODIFIED',
});
