import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AirlockError, CHECK_IDS, ERROR_CODES, isRetriable } from '../../../core/errors.ts';
import { RULES } from '../../../rules/index.ts';

describe('error-code registry', () => {
  it('docs/errors.md lists every code with its status and retriable flag, and nothing else', () => {
    const whole = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    // The code table; the check-id table further down has the same shape.
    const doc = whole.slice(0, whole.indexOf('## Check ids'));
    const rows = new Map<string, string>();
    for (const m of doc.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \|/gm)) {
      if (m[1]) rows.set(m[1], `${m[2]?.trim()}|${m[3]?.trim()}`);
    }
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      assert.equal(
        rows.get(code),
        `${spec.status ?? '—'}|${spec.retriable ? 'yes' : 'no'}`,
        `docs/errors.md row for ${code}`,
      );
    }
    for (const code of rows.keys())
      assert.ok(code in ERROR_CODES, `docs/errors.md lists ${code}, which does not exist`);
  });

  it('docs/errors.md lists every check id, and nothing else; no check id is also a catalogue rule id', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Check ids'));
    const documented = [...section.matchAll(/^\| `([A-Z-]+)` \| [a-z]/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), Object.values(CHECK_IDS).sort());
    const ruleIds = new Set(RULES.map((r) => r.id));
    for (const id of Object.values(CHECK_IDS))
      assert.ok(!ruleIds.has(id), `${id} is both a check id and a rule id`);
  });

  it('decides retries by the retriable flag, and treats unknown failures as transient', () => {
    assert.equal(isRetriable(new AirlockError('KAFKA_UNAVAILABLE', 'x')), true);
    assert.equal(isRetriable(new AirlockError('SCHEMA_VIOLATION', 'x')), false);
    assert.equal(isRetriable(new Error('socket hang up')), true);
  });

  it('keeps the cause of a mapped library error', () => {
    const cause = new Error('ECONNREFUSED');
    assert.equal(new AirlockError('REGISTRY_UNAVAILABLE', 'x', { cause }).cause, cause);
  });
});
