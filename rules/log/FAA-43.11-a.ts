import { type Finding, finding, type Rule, text } from '../types.ts';
import { approverTriple } from './approver.ts';

/**
 * FAA-43.11-a: an inspection entry has the type and extent of the inspection, the date and the
 * aircraft total time in service, the approver's signature, certificate number and kind, and
 * either the airworthy statement (return to service) or the list of discrepancies (14 CFR 43.11(a)).
 */
export const FAA_43_11_A: Rule = {
  id: 'FAA-43.11-a',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  check(record) {
    if (record.entry_type !== 'INSPECTION') return [];
    const out: Finding[] = [];
    const need = (ok: boolean, path: string, message: string) => {
      if (!ok) out.push(finding('FAA-43.11-a', 'ERROR', path, message));
    };
    need(
      typeof record.inspection_type === 'string',
      '/inspection_type',
      'an inspection entry needs its type',
    );
    need(Boolean(text(record.inspection_scope)), '/inspection_scope', 'an inspection entry needs its extent');
    const hours = record.aircraft_total_time_hours;
    need(
      typeof hours === 'number' && Number.isFinite(hours) && hours >= 0,
      '/aircraft_total_time_hours',
      'an inspection entry needs the aircraft total time in service (hours, ≥ 0)',
    );
    if (record.approver === null || record.approver === undefined)
      need(false, '/approver', 'an inspection entry needs its approver');
    else out.push(...approverTriple('FAA-43.11-a', record));
    need(
      record.return_to_service === true || Boolean(text(record.discrepancy_list_ref)),
      '/discrepancy_list_ref',
      'not returned to service: the signed list of discrepancies is required',
    );
    return out;
  },
};
