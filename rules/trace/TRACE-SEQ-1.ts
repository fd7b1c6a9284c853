import { lastEvent, partSequenceRule } from '../lib/part-sequence.ts';
import { finding } from '../types.ts';

/** TRACE-SEQ-1: `removed` requires that the part is installed on the same aircraft; a removal with no prior event is refused. */
export const TRACE_SEQ_1 = partSequenceRule('TRACE-SEQ-1', (record, part) => {
  if (record.installation_status !== 'removed') return [];
  const at = String(record.aircraft_registration);
  if (part === undefined)
    return [finding('TRACE-SEQ-1', 'ERROR', '/installation_status', 'removal of a part with no prior event')];
  if (part.installed_on === at) return [];
  return [
    finding(
      'TRACE-SEQ-1',
      'ERROR',
      '/aircraft_registration',
      part.installed_on === null
        ? `removal from ${at} of a part that is not installed ${lastEvent(part)}`
        : `removal from ${at} of a part installed on ${part.installed_on} ${lastEvent(part)}`,
    ),
  ];
});
