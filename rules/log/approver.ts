import { at, type Finding, finding, type Payload, text } from '../types.ts';

/** The approver's signature, certificate number and kind (14 CFR 43.9(a)(4), 43.11(a)(3)). */
export function approverTriple(rule: string, record: Payload): Finding[] {
  const missing = ['signature_ref', 'certificate_number', 'certificate_kind'].filter(
    (k) => !text(at(record, `/approver/${k}`)),
  );
  return missing.map((k) =>
    finding(rule, 'ERROR', `/approver/${k}`, `the approver's ${k.replaceAll('_', ' ')} is required`),
  );
}
