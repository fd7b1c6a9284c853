/**
 * Tokens a hostile review found accepted (issue #12 §1–§3, §5, §6, §16), against the real ingress
 * over mutual TLS with the real Kafka and Redis, and a JWKS endpoint this test controls. Every
 * refusal asserts its status, the problem body, and that nothing was published.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import {
  certThumbprint,
  DEV_AUDIENCE,
  DEV_ISSUER,
  DEV_KID,
  ensureDevPki,
} from '../../scripts/lib/dev-identity.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { type Answer, httpsCall, postRecord } from '../support/https.ts';
import { committedCount, testKafka } from '../support/kafka.ts';
import { type Pipeline, revokeWithScript, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

type Key = Parameters<SignJWT['sign']>[0];

/** A token of the development issuer, bound to a role's development certificate, with any claims. */
async function sign(
  p: Pipeline,
  opts: { key?: Key; kid?: string; role?: string; ttlS?: number; claims?: JWTPayload } = {},
): Promise<string> {
  const role = opts.role ?? 'certifying_staff';
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    sub: `dev-${role}`,
    jti: randomUUID(),
    role,
    iat: now,
    exp: now + (opts.ttlS ?? 300),
    cnf: { 'x5t#S256': certThumbprint(readFileSync(`${p.pki}/client-${role}.crt`, 'utf8')) },
    ...opts.claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? DEV_KID, typ: 'at+jwt' })
    .sign(opts.key ?? createPrivateKey(readFileSync(`${p.pki}/token-signing.key`)));
}

/** A JWKS endpoint on 127.0.0.1: the development key set, plus whatever keys `extra` holds now. */
async function jwksServer(
  pki: string,
  extra: () => object[],
): Promise<{ server: Server; url: string; fetches: () => number }> {
  let fetches = 0;
  const dev = JSON.parse(readFileSync(`${pki}/jwks.json`, 'utf8')) as { keys: object[] };
  const server = createServer((_req, res) => {
    fetches++;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: [...dev.keys, ...extra()] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    fetches: () => fetches,
  };
}

const refusedWith = async (
  s: Services,
  p: Pipeline,
  res: Answer,
  status: number,
  code: string,
  detail: RegExp,
) => {
  assert.equal(res.status, status, res.text);
  const problem = res.json<{ code: string; detail: string }>();
  assert.equal(problem.code, code, res.text);
  assert.match(problem.detail, detail);
  assert.equal(await committedCount(testKafka(s), p.topics.ingress), 0, 'nothing was published');
};

describe('tokens over time: revocation and the maximum age outlive the cache and the clock tolerance (§1, §2a)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_JWT_CLOCK_TOLERANCE_S: '5',
      AIRLOCK_JWT_MAX_TOKEN_AGE_S: '2',
      AIRLOCK_INGRESS_CORS_ORIGINS: 'https://efb.example.com',
    });
  });
  after(async () => {
    await p?.stop();
  });

  it('a browser’s CORS preflight needs no token: answered 204 with headers only, after the mTLS handshake (#15 §5)', async () => {
    const preflight = (origin: string) =>
      httpsCall(p.pki, `${p.url}/v1/parts/trace`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-maintenance-context',
        },
      });
    const ok = await preflight('https://efb.example.com');
    assert.equal(ok.status, 204, ok.text);
    assert.equal(ok.text, '');
    assert.equal(ok.headers['access-control-allow-origin'], 'https://efb.example.com');
    assert.equal(ok.headers['access-control-allow-credentials'], 'true');
    assert.match(String(ok.headers['strict-transport-security']), /max-age=31536000/);
    const refused = await preflight('https://evil.example');
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json<{ code: string }>().code, 'ORIGIN_FORBIDDEN');
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    // The handshake still comes first: without a client certificate there is no answer at all.
    await assert.rejects(
      httpsCall(p.pki, `${p.url}/v1/parts/trace`, {
        method: 'OPTIONS',
        certRole: null,
        headers: { origin: 'https://efb.example.com', 'access-control-request-method': 'POST' },
      }),
    );
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), 0, 'nothing was published');
  });

  it('a token revoked before its exp stays refused after it, while the clock tolerance would accept it (§1)', async () => {
    const token = await sign(p, { ttlS: 2 });
    const r = revokeWithScript(s, p, token);
    assert.equal(r.status, 0, r.stderr);
    // Past exp (2 s), within exp + the 5 s tolerance: jose accepts it; the revocation must hold.
    await new Promise((res) => setTimeout(res, 3500));
    await refusedWith(s, p, await postRecord(p.pki, p.url, token), 401, 'UNAUTHENTICATED', /revoked/);
  });

  it('a token accepted once is refused once older than the maximum age, cached or not (§2a)', async () => {
    const token = await sign(p);
    // The first use publishes (counted below); the same token 9 s later is past 2 s + 5 s (whole
    // seconds: jose compares the age in seconds).
    const first = await postRecord(p.pki, p.url, token);
    assert.equal(first.status, 202, first.text);
    await new Promise((res) => setTimeout(res, 9000));
    const later = await postRecord(p.pki, p.url, token);
    assert.equal(later.status, 401, later.text);
    // jose reports an iat older than the maximum age as expired (its exp is still 5 minutes away).
    assert.match(later.json<{ detail: string }>().detail, /ERR_JWT_EXPIRED/);
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), 1, 'only the first use published');
  });
});

describe('token claims, lifetimes, spelling and keys (§2b, §2c, §3, §6, §16)', () => {
  let s: Services;
  let p: Pipeline;
  let jwks: Awaited<ReturnType<typeof jwksServer>>;
  let second: { kid: string; alg: string; use: string }[] = [];
  let secondKey: Key;

  before(async () => {
    s = await services();
    const pair = await generateKeyPair('ES256', { extractable: true });
    secondKey = pair.privateKey;
    second = [{ ...(await exportJWK(pair.publicKey)), kid: 'rotated-out', alg: 'ES256', use: 'sig' }];
    const keys = second;
    jwks = await jwksServer(ensureDevPki(), () => (second.length > 0 ? keys : []));
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_JWT_JWKS_FILE: '',
      AIRLOCK_JWT_JWKS_URL: jwks.url,
      AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true',
      AIRLOCK_JWT_JWKS_CACHE_MS: '1000',
    });
  });
  after(async () => {
    await p?.stop();
    jwks?.server.close();
  });

  it('sub and jti of any JSON type but a non-empty string are refused (§3)', async () => {
    for (const claims of [
      { sub: 123 },
      { sub: null },
      { sub: {} },
      { sub: true },
      { sub: '' },
      { jti: 5 },
      { jti: ['a'] },
    ] as JWTPayload[]) {
      const res = await postRecord(p.pki, p.url, await sign(p, { claims }));
      await refusedWith(s, p, res, 401, 'UNAUTHENTICATED', /(sub|jti)|ERR_JWT/);
    }
  });

  it('a lifetime (exp − iat) over the cap is refused, whatever its signature (§2c)', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const exp of [now + 86_401, 1e308]) {
      const res = await postRecord(p.pki, p.url, await sign(p, { claims: { iat: now, exp } }));
      await refusedWith(s, p, res, 401, 'UNAUTHENTICATED', /lifetime|ERR_JWT/);
    }
  });

  it('a token in non-canonical base64url (unused bits set) is refused before any cryptography (§6)', async () => {
    const token = await sign(p);
    const [h, b, sig = ''] = token.split('.');
    // ES256: 64 signature bytes are 86 characters, whose last carries 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1) ?? 'A');
    const twin = `${sig.slice(0, -1)}${alphabet[last ^ 1]}`;
    assert.deepEqual(Buffer.from(twin, 'base64url'), Buffer.from(sig, 'base64url'), 'the same bytes');
    const res = await postRecord(p.pki, p.url, `${h}.${b}.${twin}`);
    await refusedWith(s, p, res, 401, 'UNAUTHENTICATED', /canonical base64url/);
  });

  it('a PURGE of maintenance records without superseded_at is judged (422), never a 5xx (§16)', async () => {
    const purge = JSON.parse(
      readFileSync(`${ROOT}avro/examples/compliance-audit-event/valid/purge-amo.json`, 'utf8'),
    );
    purge.retention = {
      ...purge.retention,
      record_classes: ['MAINTENANCE'],
      work_date: '2020-01-01',
      superseded_at: null,
    };
    const res = await postRecord(p.pki, p.url, await sign(p, { role: 'compliance_auditor' }), {
      path: '/v1/compliance/audit',
      certRole: 'compliance_auditor',
      body: JSON.stringify(purge),
    });
    assert.ok(res.status < 500, res.text);
    await refusedWith(s, p, res, 422, 'RULE_VIOLATION', /recordkeeping rules/);
    assert.ok(
      res.json<{ errors: { rule: string }[] }>().errors.some((e) => e.rule === 'RET-FAA-91.417-b1'),
      res.text,
    );
  });

  // Last: it publishes.
  it('a key removed from the JWKS stops verifying its tokens within the JWKS cache time, cached or not (§2b)', async () => {
    const token = await sign(p, { key: secondKey, kid: 'rotated-out' });
    const first = await postRecord(p.pki, p.url, token);
    assert.equal(first.status, 202, first.text);
    second = [];
    const fetched = jwks.fetches();
    await new Promise((res) => setTimeout(res, 2500));
    const later = await postRecord(p.pki, p.url, token);
    assert.equal(later.status, 401, later.text);
    assert.ok(jwks.fetches() > fetched, 'the key set was fetched again');
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), 1, 'only the first use published');
  });
});

describe('the JWKS URL must be https (§5)', () => {
  for (const [name, env] of [
    ['plain http', { AIRLOCK_JWT_JWKS_URL: 'http://idp.example.org/jwks' }],
    [
      'plain http on loopback without the development switch',
      { AIRLOCK_JWT_JWKS_URL: 'http://127.0.0.1:9/jwks' },
    ],
  ] as const) {
    it(`${name}: the ingress refuses to start, saying why`, async () => {
      await assert.rejects(
        startPipeline(await services(), ['ingress'], { AIRLOCK_JWT_JWKS_FILE: '', ...env }),
        /AIRLOCK_JWT_JWKS_URL: must be https/,
      );
    });
  }
});
