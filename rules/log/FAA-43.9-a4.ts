import { finding, type Rule } from '../types.ts';
import { approverTriple } from './approver.ts';

/**
 * FAA-43.9-a4: work approved for return to service carries the approver's signature, certificate
 * number and kind of certificate (14 CFR 43.9(a)(4)). The kind is one of the catalogue's enum,
 * enforced by the schema (avro/logbook-entry.avsc CertificateKind).
 */
export const FAA_43_9_A4: Rule = {
  id: 'FAA-43.9-a4',
  routes: ['logbook'],
  ruleSets: ['FAA'],
  structural: false,
  check(record) {
    if (record.return_to_service !== true) return [];
    if (record.approver === null || record.approver === undefined)
      return [finding('FAA-43.9-a4', 'ERROR', '/approver', 'a return to service needs its approver')];
    return approverTriple('FAA-43.9-a4', record);
  },
};
