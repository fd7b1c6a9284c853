import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RULES } from '../../../rules/catalogue.ts';

describe('docs/rules.md', () => {
  const doc = readFileSync(new URL('../../../docs/rules.md', import.meta.url), 'utf8');
  const status = new Map([...doc.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2]?.trim()]));
  it('marks every rule of the catalogue module as implemented', () => {
    for (const rule of RULES) assert.equal(status.get(rule.id), 'implemented', rule.id);
  });
  it('uses only the statuses implemented, warn-only, not yet and not applicable', () => {
    for (const [id, s] of status)
      assert.ok(['implemented', 'warn-only', 'not yet', 'not applicable'].includes(s ?? ''), `${id}: ${s}`);
  });
});
