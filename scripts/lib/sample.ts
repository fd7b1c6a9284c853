/** A sample parts-trace record and its maintenance context, for the demo and the tests. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Lineage, lineageHeaders } from '../../core/headers.ts';
import { ROOT } from './stack-env.ts';

/** The installation of avro/examples' sample part (once per part: TRACE-SEQ-2 refuses a second). */
export function sampleInstallation(): Record<string, unknown> {
  return JSON.parse(readFileSync(`${ROOT}avro/examples/parts-trace-event/valid/installed-easa.json`, 'utf8'));
}

/**
 * An inspection of the sample part: what the demo and the tests send when a record's history is
 * not what they are about. Inspections may repeat without end (TRACE-SEQ: they leave the part's
 * state as it was), so any number of them is valid whatever the part's history holds; only the
 * first of a part carries TRACE-SEQ-4's WARN (unknown provenance).
 */
export function sampleRecord(): Record<string, unknown> {
  return { ...sampleInstallation(), installation_status: 'inspected' };
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

/**
 * An ingress-topic message as an edge station (or a replay) would write it, bypassing the HTTP
 * ingress: the body as JSON and the lineage headers of the header contract; `lineage` overrides
 * any of them.
 */
export function edgeMessage(
  body: unknown,
  registration: string,
  traceId: string = randomUUID(),
  lineage: Partial<Lineage> = {},
) {
  return {
    key: registration,
    value: JSON.stringify(body),
    headers: lineageHeaders({
      traceId,
      route: 'parts-trace',
      receivedAt: new Date().toISOString(),
      source: 'edge',
      subject: 'edge-station-7',
      role: 'certifying_staff',
      maintenanceContext: JSON.stringify(sampleContext(registration)),
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      ...lineage,
    }),
  };
}
