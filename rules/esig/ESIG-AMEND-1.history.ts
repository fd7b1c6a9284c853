import { history } from '../history.ts';
import { historyRule } from '../lib/history-rule.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { type Finding, finding } from '../types.ts';

/**
 * ESIG-AMEND-1 (against the record's history): a record is created once; an AMEND supersedes the
 * latest existing version (versions are contiguous); a SIGN, VOID or PURGE names a version that
 * exists.
 */
export const ESIG_AMEND_1_LATEST = historyRule(
  'ESIG-AMEND-1',
  ['compliance-audit'],
  ALL_RULE_SETS,
  (record, h, ctx) => {
    const id = String(record.record_id);
    const prior = history.audit(h, ctx.context.aircraft_registration, id);
    const version = Number(record.record_version);
    const out: Finding[] = [];
    if (record.action === 'CREATE') {
      if (prior)
        out.push(
          finding(
            'ESIG-AMEND-1',
            'ERROR',
            '/action',
            `record ${id} exists (version ${prior.version}): a correction is an AMEND, never a second CREATE`,
          ),
        );
      return out;
    }
    if (!prior) return out; // ESIG-INT-2 names the gap
    if (record.action === 'AMEND' && version !== prior.version + 1)
      out.push(
        finding(
          'ESIG-AMEND-1',
          'ERROR',
          '/supersedes',
          `the latest version of ${id} is ${prior.version}: an AMEND creates version ${prior.version + 1}`,
        ),
      );
    if (record.action !== 'AMEND' && version > prior.version)
      out.push(
        finding('ESIG-AMEND-1', 'ERROR', '/record_version', `version ${version} of ${id} does not exist`),
      );
    return out;
  },
);
