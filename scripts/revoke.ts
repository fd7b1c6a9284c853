/**
 * `npm run revoke -- <token>` or `npm run revoke -- --issuer <iss> --jti <jti> --until <epoch-s>`:
 * puts a token on the revocation list (issuer + jti, never the token itself) in the Redis of
 * AIRLOCK_REDIS_URL until it expires; every ingress refuses it from the next request on (401).
 */
import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import { createRedisStore } from '../core/store/redis.ts';
import { withStackEnv } from './lib/stack-env.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { issuer: { type: 'string' }, jti: { type: 'string' }, until: { type: 'string' } },
});
let { issuer, jti } = values;
let until = values.until === undefined ? undefined : Number(values.until);
const token = positionals[0];
if (token) {
  // The token's own claims say what to deny; its signature does not matter for a denial.
  const claims = decodeJwt(token);
  issuer ??= claims.iss;
  jti ??= claims.jti;
  until ??= claims.exp;
}
if (!issuer || !jti || until === undefined || !Number.isFinite(until)) {
  console.error(
    'usage: npm run revoke -- <token>  |  npm run revoke -- --issuer <iss> --jti <jti> --until <epoch-seconds>',
  );
  process.exit(2);
}
const url = withStackEnv(process.env).AIRLOCK_REDIS_URL;
if (!url) {
  console.error(
    'AIRLOCK_REDIS_URL is not set (and no local stack env file): revocation needs the shared Redis',
  );
  process.exit(2);
}
const store = createRedisStore(url, 2000, process.env.AIRLOCK_REDIS_KEY_PREFIX ?? 'airlock');
await store.connect();
await store.revoke(issuer, jti, until);
await store.close();
console.log(`revoked jti ${jti} of ${issuer} until ${new Date(until * 1000).toISOString()}`);
