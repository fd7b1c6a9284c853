/** Test helpers for the rules: run code while one catalogue rule throws (issue #12 §16). */
import assert from 'node:assert/strict';
import { RULES } from '../../rules/index.ts';

export async function whileRuleThrows<T>(id: string, run: () => T | Promise<T>): Promise<T> {
  const rule = RULES.find((r) => r.id === id);
  assert.ok(rule, `no rule ${id}`);
  const original = rule.check;
  rule.check = () => {
    throw new RangeError('Invalid time value');
  };
  try {
    return await run();
  } finally {
    rule.check = original;
  }
}
