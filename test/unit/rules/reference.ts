/**
 * In-memory copies of the reference topics for the rules' unit tests: the parts-traceability view
 * (a roster with a departed and a shared badge, the fleet master, two release certificates) and the
 * authority view (one certifying person, an A320, an organisation approval).
 */
import { ReferenceMaps, type RefValue } from '../../../rules/refdata.ts';
import { run } from './harness.ts';
import { BADGE, CERTIFYING_PERSON } from './logbook.ts';

export { BADGE };
export const GONE = 'b'.repeat(64);
export const SHARED = 'c'.repeat(64);

export function reference(): ReferenceMaps {
  const r = new ReferenceMaps();
  r.apply('technicians', BADGE, { badge_hash: BADGE, name: 'A. Person', active_from: '2015-01-01' });
  r.apply('technicians', GONE, {
    badge_hash: GONE,
    name: 'B. Left',
    active_from: '2015-01-01',
    deactivated_at: '2025-05-01',
  });
  r.apply('technicians', SHARED, {
    badge_hash: SHARED,
    name: 'HANGAR-3',
    kind: 'SHARED',
    active_from: '2015-01-01',
  });
  r.apply('fleet', 'D-AIBL', {
    registration: 'D-AIBL',
    aircraft_type: 'A319',
    manufactured_on: '2015-04-01',
  });
  r.apply('releases', 'EASA-DE-145-0123-F1-2025-000481', {
    certificate_ref: 'EASA-DE-145-0123-F1-2025-000481',
    part_number: '2314567-3',
    serial_number: 'SN12345K',
    release_date: '2025-02-01',
  });
  r.apply('releases', 'EASA-DE-145-0123-F1-2025-000482', {
    certificate_ref: 'EASA-DE-145-0123-F1-2025-000482',
    part_number: '2314567-3',
    serial_number: 'N/A',
    release_date: '2025-02-01',
  });
  return r;
}
export const withRef = (id: string, patch: Record<string, unknown>, badge = BADGE) => {
  const ref = reference();
  // The harness's context carries the sample badge; another badge is looked up by swapping it in.
  if (badge !== BADGE) {
    const t = ref.get('technicians', badge);
    ref.apply('technicians', BADGE, t ? { ...t, badge_hash: BADGE } : null);
  }
  return run(id, patch, { reference: ref });
};

/** The roster holds one person: BADGE, an A&P with IA, EASA certifying staff for A320/B1. */
export function authorityReference(
  person: Partial<RefValue<'technicians'>> = {},
  approval: Record<string, unknown> = {},
) {
  const r = new ReferenceMaps();
  r.apply('technicians', BADGE, { ...CERTIFYING_PERSON, ...person });
  r.apply('fleet', 'D-AIBL', {
    registration: 'D-AIBL',
    aircraft_type: 'A320',
    manufactured_on: '2010-06-01',
  });
  r.apply('approvals', 'DE.145.0123', {
    approval_ref: 'DE.145.0123',
    organisation: 'Demo Part-145',
    valid_from: '2010-01-01',
    ...approval,
  });
  return r;
}
