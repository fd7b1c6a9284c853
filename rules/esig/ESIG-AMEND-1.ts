import { ALL_RULE_SETS } from '../rule-set.ts';
import { type Finding, finding, type Rule, str } from '../types.ts';

/**
 * ESIG-AMEND-1 (record part): no overwrite — a correction is an AMEND creating version n+1 that
 * supersedes `record_id@n`; a CREATE is version 1 and supersedes nothing. "Supersedes the existing
 * latest version" needs the record's history (docs/rules.md). There is no update route at all: a
 * version is never changed in place.
 */
export const ESIG_AMEND_1: Rule = {
  id: 'ESIG-AMEND-1',
  routes: ['compliance-audit'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const version = Number(record.record_version);
    const supersedes = str(record.supersedes);
    const out: Finding[] = [];
    if (!Number.isInteger(version) || version < 1)
      out.push(finding('ESIG-AMEND-1', 'ERROR', '/record_version', 'versions start at 1'));
    if (record.action === 'CREATE') {
      if (version !== 1)
        out.push(finding('ESIG-AMEND-1', 'ERROR', '/record_version', 'a CREATE is version 1'));
      if (supersedes !== undefined)
        out.push(finding('ESIG-AMEND-1', 'ERROR', '/supersedes', 'a CREATE supersedes nothing'));
    }
    if (record.action === 'AMEND') {
      const expected = `${String(record.record_id)}@${version - 1}`;
      if (version < 2)
        out.push(finding('ESIG-AMEND-1', 'ERROR', '/record_version', 'an AMEND creates version 2 or later'));
      else if (supersedes !== expected)
        out.push(
          finding(
            'ESIG-AMEND-1',
            'ERROR',
            '/supersedes',
            `an AMEND of version ${version} supersedes ${expected}`,
          ),
        );
    }
    return out;
  },
};
