import { finding, type Rule } from '../types.ts';

const ID = 'CAMO-A.220';
const DAY_MS = 86_400_000;

/** The record store whose backups CAMO-A.220 judges: the compliance audit store. */
export const AUDIT_STORE = 'compliance-audit';

/**
 * CAMO-A.220 (ops check, also ESIG-BACKUP-1): the computer record system has an off-site backup
 * updated within 24 h of any new entry (CAMO.A.220(a), AMC1). A compliance-audit event is accepted
 * only while the last off-site backup of the compliance audit store (airlock.ref.backups, key
 * `compliance-audit`, published by the backup job) is at most 24 h older than the event's receipt.
 * No backup status fails closed. Switchable with the rule-set file's `disabled`. Validators only.
 */
export const CAMO_A_220: Rule = {
  id: ID,
  routes: ['compliance-audit'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  reference: true,
  check(_record, { reference, now }) {
    if (!reference) return [];
    const backup = reference.get('backups', AUDIT_STORE);
    if (backup === undefined)
      return [finding(ID, 'ERROR', '', 'no off-site backup of the compliance audit store is on record')];
    const at = Date.parse(backup.last_offsite_backup_at);
    if (at >= now.getTime() - DAY_MS) return [];
    return [
      finding(
        ID,
        'ERROR',
        '',
        `the last off-site backup of the compliance audit store (${backup.last_offsite_backup_at}) is more than 24 h older than this entry`,
      ),
    ];
  },
};
