import { lastEvent, partSequenceRule } from '../lib/part-sequence.ts';
import { finding } from '../types.ts';

/** TRACE-SEQ-2: `installed` requires that the part is not installed anywhere: a serialised part cannot be fitted in two places. */
export const TRACE_SEQ_2 = partSequenceRule('TRACE-SEQ-2', (record, part) => {
  if (record.installation_status !== 'installed' || !part || part.installed_on === null) return [];
  return [
    finding(
      'TRACE-SEQ-2',
      'ERROR',
      '/installation_status',
      `the part is installed on ${part.installed_on} ${lastEvent(part)}: a serialised part cannot be fitted in two places`,
    ),
  ];
});
