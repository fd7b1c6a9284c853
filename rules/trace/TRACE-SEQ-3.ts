import { lastEvent, partSequenceRule } from '../lib/part-sequence.ts';
import { momentOf } from '../lib/time.ts';
import { finding } from '../types.ts';

/** TRACE-SEQ-3: a part's events are chronological: no event dated before the previous one (amend, do not back-date). */
export const TRACE_SEQ_3 = partSequenceRule('TRACE-SEQ-3', (record, part) => {
  if (!part) return [];
  const now = momentOf(record.installation_date)?.ms;
  const last = momentOf(part.last_at)?.ms;
  if (now === undefined || last === undefined || now >= last) return [];
  return [
    finding(
      'TRACE-SEQ-3',
      'ERROR',
      '/installation_date',
      `dated before the part's previous event ${lastEvent(part)}: amend (ESIG-AMEND-1), do not back-date`,
    ),
  ];
});
