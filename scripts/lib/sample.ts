/** A sample parts-trace record and its maintenance context, for the demo and the tests. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ROOT } from './stack-env.ts';

export function sampleRecord(): Record<string, unknown> {
  return JSON.parse(readFileSync(`${ROOT}avro/examples/parts-trace-event/valid/installed-easa.json`, 'utf8'));
}

export function sampleContext(registration = 'D-AIBL'): Record<string, string> {
  return {
    work_order_id: randomUUID(),
    aircraft_registration: registration,
    // SHA-256 of BADGE-000123 (REGULATORY.md CTX-BADGE-1 vector).
    technician_badge_hash: '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2',
  };
}

export function contextHeader(context: Record<string, string>): string {
  return Buffer.from(JSON.stringify(context), 'utf8').toString('base64');
}
