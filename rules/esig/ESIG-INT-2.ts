import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

const GENESIS = '0'.repeat(64);

/**
 * ESIG-INT-2 (record part): `prev_event_sha256` is a SHA-256; the first event of a record (CREATE of
 * version 1) links to 64 zeros, and no later event does. Walking the chain against the previous
 * event needs the record's history (docs/rules.md).
 */
export const ESIG_INT_2: Rule = {
  id: 'ESIG-INT-2',
  routes: ['compliance-audit'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const prev = str(record.prev_event_sha256) ?? '';
    if (!/^[0-9a-f]{64}$/.test(prev))
      return [
        finding(
          'ESIG-INT-2',
          'ERROR',
          '/prev_event_sha256',
          'prev_event_sha256 must be 64 lowercase hex characters',
        ),
      ];
    const genesis = record.action === 'CREATE' && record.record_version === 1;
    if (genesis && prev !== GENESIS)
      return [
        finding('ESIG-INT-2', 'ERROR', '/prev_event_sha256', 'the first event of a record links to 64 zeros'),
      ];
    if (!genesis && prev === GENESIS)
      return [
        finding(
          'ESIG-INT-2',
          'ERROR',
          '/prev_event_sha256',
          'only the first event of a record links to 64 zeros',
        ),
      ];
    return [];
  },
};
