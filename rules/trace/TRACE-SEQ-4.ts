import { partSequenceRule } from '../lib/part-sequence.ts';
import { finding } from '../types.ts';

/** TRACE-SEQ-4: `inspected` does not change the installation state; WARN when it is the part's first event (unknown provenance). */
export const TRACE_SEQ_4 = partSequenceRule('TRACE-SEQ-4', (record, part) => {
  if (record.installation_status !== 'inspected' || part !== undefined) return [];
  return [
    finding(
      'TRACE-SEQ-4',
      'WARN',
      '/installation_status',
      'the first event of this part is an inspection: unknown provenance',
    ),
  ];
});
