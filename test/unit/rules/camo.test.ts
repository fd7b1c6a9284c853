/**
 * CAMO-A.220 (also ESIG-BACKUP-1): the backup status of the compliance audit store, as reference data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit, fails, ok, roster } from './audit.ts';

describe('CAMO-A.220 (also ESIG-BACKUP-1): backup of the compliance audit store, record received 2025-05-31T10:00Z', () => {
  const received = new Date('2025-05-31T10:00:00Z');
  const withBackup = (at: string | null) => {
    const r = roster();
    if (at !== null)
      r.apply('backups', 'compliance-audit', {
        system: 'compliance-audit',
        last_offsite_backup_at: at,
        location: 'Hamburg vault',
      });
    return audit('CAMO-A.220', {}, { now: received, reference: r });
  };
  it('✔ last backup 2025-05-31T23:00Z', () => ok(withBackup('2025-05-31T23:00:00Z')));
  it('✔ last backup exactly 24 h before', () => ok(withBackup('2025-05-30T10:00:00Z')));
  it('✘ last backup 2025-05-29T23:00Z', () => fails(withBackup('2025-05-29T23:00:00Z')));
  it('✘ no backup on record (fails closed)', () => fails(withBackup(null)));
  it('a backup status without its off-site location is refused by the loader', () =>
    assert.throws(
      () =>
        roster().apply('backups', 'compliance-audit', {
          system: 'compliance-audit',
          last_offsite_backup_at: '2025-05-31T23:00:00Z',
        }),
      /location/,
    ));
});
