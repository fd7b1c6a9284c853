/** Step 2 of the order of checks (ingress/identity.ts saneHeaders): the Authorization header. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AirlockError } from '../../../core/errors.ts';
import { NoCredentialsError, saneHeaders } from '../../../ingress/identity.ts';

describe('saneHeaders: the Authorization header', () => {
  it('no credentials at all is told apart: its challenge names no error (RFC 6750 §3.1; issue #12 §6)', () => {
    assert.throws(() => saneHeaders([], undefined), NoCredentialsError);
  });

  it('two Authorization headers or a malformed one are invalid credentials, not missing ones', () => {
    const twice = ['authorization', 'Bearer a.b.c', 'Authorization', 'Bearer a.b.c'];
    for (const [raw, value] of [
      [twice, 'Bearer a.b.c'],
      [['authorization', 'Basic eDp5'], 'Basic eDp5'],
    ] as const) {
      assert.throws(
        () => saneHeaders(raw, value),
        (err: unknown) =>
          err instanceof AirlockError &&
          err.code === 'UNAUTHENTICATED' &&
          !(err instanceof NoCredentialsError),
      );
    }
  });

  it('one Bearer token is returned', () => {
    assert.equal(saneHeaders(['authorization', 'Bearer a.b.c'], 'Bearer a.b.c'), 'a.b.c');
  });
});
