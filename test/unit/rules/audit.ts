/** A compliance-audit event and a roster for the ESIG, RET and CAMO rules' unit tests. */
import assert from 'node:assert/strict';
import { ReferenceMaps } from '../../../rules/refdata.ts';
import { run } from './harness.ts';
import { BADGE, CERTIFYING_PERSON } from './logbook.ts';
import { SHARED } from './reference.ts';

export { SHARED };

export const SUPPORT = 'f'.repeat(64);
export const ZEROS = '0'.repeat(64);
export const HASH = '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862';
export const AUDIT = {
  event_id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
  record_id: 'R1',
  record_version: 1,
  action: 'CREATE',
  actor_badge_hash: BADGE,
  signature_meaning: null,
  occurred_at: '2025-05-31T09:58:00Z',
  content_sha256: HASH,
  content: null,
  prev_event_sha256: ZEROS,
  supersedes: null,
  retention: null,
};
export const roster = () => {
  const r = new ReferenceMaps();
  r.apply('technicians', BADGE, CERTIFYING_PERSON);
  r.apply('technicians', SHARED, {
    badge_hash: SHARED,
    name: 'HANGAR-3-SHARED',
    kind: 'SHARED',
    active_from: '2015-01-01',
  });
  r.apply('technicians', SUPPORT, { badge_hash: SUPPORT, name: 'Support staff', active_from: '2015-01-01' });
  return r;
};
export const audit = (
  id: string,
  patch: Record<string, unknown>,
  opts: { now?: Date; reference?: ReferenceMaps } = {},
) => run(id, patch, { base: AUDIT, route: 'compliance-audit', registration: 'D-AIBL', ...opts });
export const ok = (f: unknown[]) => assert.deepEqual(f, []);
export const fails = (f: unknown[]) => assert.equal(f.length, 1, JSON.stringify(f));
