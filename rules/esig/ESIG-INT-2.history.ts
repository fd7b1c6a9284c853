import { history } from '../history.ts';
import { historyRule } from '../lib/history-rule.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, str } from '../types.ts';

/**
 * ESIG-INT-2 (the chain walk): an event's `prev_event_sha256` is the SHA-256 of the previous event
 * of the same record (canonical JSON, rules/history.ts eventSha256): a deleted, altered or
 * reordered event breaks it. A non-first event of a record with no event before it is a gap too.
 */
export const ESIG_INT_2_CHAIN = historyRule(
  'ESIG-INT-2',
  ['compliance-audit'],
  ALL_RULE_SETS,
  (record, h, ctx) => {
    const genesis = record.action === 'CREATE' && record.record_version === 1;
    if (genesis) return [];
    const prior = history.audit(h, ctx.context.aircraft_registration, String(record.record_id));
    if (prior === undefined)
      return [
        finding(
          'ESIG-INT-2',
          'ERROR',
          '/prev_event_sha256',
          `no earlier event of record ${String(record.record_id)}: the chain has a gap`,
        ),
      ];
    if (str(record.prev_event_sha256) === prior.head) return [];
    return [
      finding(
        'ESIG-INT-2',
        'ERROR',
        '/prev_event_sha256',
        `prev_event_sha256 is not the hash of the record's previous event (trace ${prior.trace_id}): an event was deleted, altered or reordered`,
      ),
    ];
  },
);
