/**
 * Token verification (core/auth/token-verifier.ts) with hostile tokens: forged, algorithm-confused,
 * expired, not yet valid, too old, wrong issuer or audience, missing claims, unknown crit, bound to
 * another certificate. Keys are made here; the verifier reads their JWKS from a file.
 */
import assert from 'node:assert/strict';
import { createHmac, KeyObject, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { certThumbprint, createTokenVerifier, type Verifier } from '../../../../core/auth/token-verifier.ts';
import { loadConfig } from '../../../../core/config/load.ts';
import { AirlockError } from '../../../../core/errors.ts';

const ISS = 'https://idp.example/';
const AUD = 'airlock-ingress';
const certA = Buffer.from('certificate A (DER bytes)');
const certB = Buffer.from('certificate B (DER bytes)');

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let trusted: Key;
let untrusted: Key;
let publicJwk: Record<string, unknown>;
let jwksFile: string;

function configWith(extra: Record<string, string> = {}) {
  return loadConfig(
    {
      AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
      AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081',
      AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
      AIRLOCK_JWT_JWKS_FILE: jwksFile,
      AIRLOCK_JWT_ISSUER: ISS,
      AIRLOCK_JWT_AUDIENCE: AUD,
      AIRLOCK_JWT_ALGORITHMS: 'ES256',
      ...extra,
    },
    'ingress',
  );
}

function verifierWith(extra: Record<string, string> = {}): Verifier {
  // Binding is its own test below; the others verify unbound tokens.
  return createTokenVerifier(configWith(extra), { requireBinding: false });
}

async function token(
  claims: JWTPayload = {},
  opts: { key?: Key; header?: Record<string, unknown>; iat?: number; exp?: number } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISS, aud: AUD, role: 'certifying_staff', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt', ...opts.header })
    .setSubject('tablet-17')
    .setJti(randomUUID())
    .setIssuedAt(opts.iat ?? now)
    .setExpirationTime(opts.exp ?? now + 300)
    .sign(opts.key ?? trusted);
}

/** The base64url claims segment of a valid token, for tokens built by hand. */
function validClaimsSegment(): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISS,
    aud: AUD,
    sub: 'x',
    jti: 'j',
    iat: now,
    exp: now + 60,
    role: 'certifying_staff',
  };
  return Buffer.from(JSON.stringify(claims)).toString('base64url');
}

async function rejects(v: Verifier, t: string, cert: Buffer | null = certA, code = 'UNAUTHENTICATED') {
  await assert.rejects(
    v(t, cert ?? undefined),
    (err: unknown) => err instanceof AirlockError && err.code === code,
  );
}

describe('token verifier', () => {
  before(async () => {
    ({ privateKey: trusted } = await generateKeyPair('ES256', { extractable: true }));
    ({ privateKey: untrusted } = await generateKeyPair('ES256'));
    const full = await exportJWK(trusted);
    const { d: _d, ...pub } = full;
    publicJwk = { ...pub, kid: 'k1', alg: 'ES256', use: 'sig' };
    jwksFile = `${mkdtempSync(`${tmpdir()}/airlock-jwks-`)}/jwks.json`;
    writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }));
  });

  it('accepts a valid token and returns subject, role, jti', async () => {
    const v = await verifierWith()(await token(), certA);
    assert.equal(v.subject, 'tablet-17');
    assert.equal(v.role, 'certifying_staff');
    assert.equal(v.issuer, ISS);
  });

  it('refuses sub and jti of any type but a non-empty string (issue #12 §3)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const raw = (claims: Record<string, unknown>) =>
      new SignJWT({ iss: ISS, aud: AUD, role: 'certifying_staff', iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .sign(trusted);
    for (const bad of [null, true, 7, {}, ['a'], '']) {
      await rejects(verifierWith(), await raw({ sub: bad, jti: 'j-1' }));
      await rejects(verifierWith(), await raw({ sub: 'tablet-17', jti: bad }));
    }
    assert.equal((await verifierWith()(await raw({ sub: 'tablet-17', jti: 'j-1' }), certA)).jti, 'j-1');
  });

  it('refuses a token whose lifetime (exp − iat) is over AIRLOCK_JWT_MAX_LIFETIME_S (issue #12 §2c)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejects(verifierWith(), await token({}, { iat: now, exp: now + 86_401 }));
    await rejects(
      verifierWith({ AIRLOCK_JWT_MAX_LIFETIME_S: '600' }),
      await token({}, { iat: now, exp: now + 601 }),
    );
    await verifierWith({ AIRLOCK_JWT_MAX_LIFETIME_S: '600' })(
      await token({}, { iat: now, exp: now + 600 }),
      certA,
    );
  });

  it('a cached token is verified again: the maximum token age holds on later uses (issue #12 §2a)', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const v = verifierWith({ AIRLOCK_JWT_MAX_TOKEN_AGE_S: '120', AIRLOCK_JWT_CLOCK_TOLERANCE_S: '0' });
    const now = Math.floor(Date.now() / 1000);
    const tok = await token({}, { iat: now, exp: now + 3000 });
    await v(tok, certA);
    t.mock.timers.tick(61_000);
    await v(tok, certA); // re-verified after 60 s, still young enough
    t.mock.timers.tick(70_000);
    await rejects(v, tok); // 131 s after iat: too old, cached or not
  });

  it('refuses non-canonical base64url (unused bits set) before any cryptography (issue #12 §6)', async () => {
    const good = await token();
    const [h, p, sig = ''] = good.split('.');
    // An ES256 signature is 64 bytes: 86 base64url characters, the last one carrying 4 unused bits.
    const last = sig.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) + 1] ?? 'B';
    const respelt = `${h}.${p}.${sig.slice(0, -1)}${twin}`;
    assert.deepEqual(
      Buffer.from(respelt.split('.')[2] ?? '', 'base64url'),
      Buffer.from(sig, 'base64url'),
      'same bytes',
    );
    await rejects(verifierWith(), respelt);
    await verifierWith()(good, certA);
  });

  it('rejects a token signed by a key it does not trust (forged)', async () => {
    await rejects(verifierWith(), await token({}, { key: untrusted }));
  });

  it('rejects algorithm confusion: HS256 signed with the public key as the secret', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k1', typ: 'JWT' })).toString('base64url');
    const body = validClaimsSegment();
    const sig = createHmac('sha256', JSON.stringify(publicJwk))
      .update(`${header}.${body}`)
      .digest('base64url');
    await rejects(verifierWith(), `${header}.${body}.${sig}`);
  });

  it('rejects alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ iss: ISS, aud: AUD, sub: 'x', role: 'certifying_staff' }),
    ).toString('base64url');
    await rejects(verifierWith(), `${header}.${body}.`);
  });

  it('rejects expired, not-yet-valid and too-old tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejects(verifierWith(), await token({}, { iat: now - 600, exp: now - 120 }));
    await rejects(verifierWith(), await token({ nbf: now + 600 }));
    await rejects(
      verifierWith({ AIRLOCK_JWT_MAX_TOKEN_AGE_S: '60' }),
      await token({}, { iat: now - 300, exp: now + 300 }),
    );
  });

  it('rejects a wrong issuer or audience', async () => {
    await rejects(verifierWith(), await token({ iss: 'https://evil.example/' }));
    await rejects(verifierWith(), await token({ aud: 'another-api' }));
  });

  it('rejects missing jti or role', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noJti = await new SignJWT({ role: 'certifying_staff' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISS)
      .setAudience(AUD)
      .setSubject('s')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(trusted);
    await rejects(verifierWith(), noJti);
    await rejects(verifierWith(), await token({ role: '' }));
  });

  it('rejects an unknown crit header', async () => {
    // jose refuses to sign it, so the token is signed by hand (ES256, IEEE P1363 signature).
    const header = Buffer.from(
      JSON.stringify({ alg: 'ES256', kid: 'k1', crit: ['x-unknown'], 'x-unknown': 1 }),
    ).toString('base64url');
    const body = validClaimsSegment();
    const key = KeyObject.from(trusted as Parameters<typeof KeyObject.from>[0]);
    const sig = sign('sha256', Buffer.from(`${header}.${body}`), { key, dsaEncoding: 'ieee-p1363' }).toString(
      'base64url',
    );
    await rejects(verifierWith(), `${header}.${body}.${sig}`);
  });

  it('requires typ at+jwt when configured', async () => {
    await rejects(
      verifierWith({ AIRLOCK_JWT_REQUIRE_TYP: 'true' }),
      await token({}, { header: { typ: 'JWT' } }),
    );
    assert.ok(await verifierWith({ AIRLOCK_JWT_REQUIRE_TYP: 'true' })(await token(), certA));
  });

  it('rejects malformed and oversized tokens before any cryptography', async () => {
    for (const t of ['abc', 'a.b', 'a.b.c.d', 'a b.c.d', `${'a'.repeat(9000)}.b.c`])
      await rejects(verifierWith(), t);
  });

  it('enforces RFC 8705 binding: the bound certificate only, on every request (also from the cache)', async () => {
    const v = verifierWith();
    const bound = await token({ cnf: { 'x5t#S256': certThumbprint(certA) } });
    assert.ok(await v(bound, certA));
    await rejects(v, bound, certB);
    await rejects(v, bound, null);
  });

  it('requires binding under the default identity policy (cnf), not under map alone', async () => {
    const config = (policy?: string) =>
      configWith({
        ...(policy ? { AIRLOCK_INGRESS_IDENTITY_POLICY: policy } : {}),
        ...(policy?.includes('map') ? { AIRLOCK_INGRESS_IDENTITY_MAP: '{"uri:urn:x":{"roles":["r"]}}' } : {}),
      });
    const unbound = await token();
    await rejects(createTokenVerifier(config()), unbound);
    await rejects(createTokenVerifier(config('cnf+map')), unbound);
    assert.ok(await createTokenVerifier(config('map'))(unbound, certA));
  });
});
