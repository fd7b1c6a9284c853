/**
 * Issue #12 §1: a revocation lasts at least until the last instant any check could still accept
 * the token — its exp plus the largest clock tolerance a setting may allow. (The Redis store sets
 * the same EXAT; test/integration/ingress-state.test.ts covers it against the real Redis.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CLOCK_TOLERANCE_S } from '../../../../core/config/schema.ts';
import { createLocalStore } from '../../../../core/store/local.ts';

describe('revocation outlives the clock tolerance', () => {
  it(`a token revoked until its exp stays revoked for ${MAX_CLOCK_TOLERANCE_S} s after it`, async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-02T00:00:00Z') });
    const store = createLocalStore();
    const exp = Math.floor(Date.now() / 1000) + 300;
    await store.revoke('https://idp.example/', 'j-1', exp);
    t.mock.timers.tick((300 + MAX_CLOCK_TOLERANCE_S - 1) * 1000);
    assert.equal(await store.isRevoked('https://idp.example/', 'j-1'), true, 'within exp + tolerance');
    t.mock.timers.tick(2000);
    assert.equal(
      await store.isRevoked('https://idp.example/', 'j-1'),
      false,
      'gone once no check accepts it',
    );
  });
});
