/**
 * Several identity providers (issue #15 §2): the token's `iss` picks the issuer and its keys, an
 * unknown issuer is refused before any key is fetched, and each issuer's claim mapping gives one
 * Airlock role and a tenant. The keys are made here; one issuer's JWKS is served over http by a
 * local server that counts its requests.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { roleOf, type TrustedIssuer, tenantOf, trustedIssuers } from '../../../../core/auth/issuers.ts';
import { createTokenVerifier } from '../../../../core/auth/token-verifier.ts';
import { ConfigError, loadConfig } from '../../../../core/config/load.ts';
import { AirlockError } from '../../../../core/errors.ts';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const base = {
  AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
  AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081',
};

const issuer = (over: Partial<TrustedIssuer> = {}): TrustedIssuer => ({
  issuer: 'https://a.example/',
  audience: 'airlock',
  algorithms: ['ES256'],
  clockToleranceS: 0,
  roleClaim: 'role',
  tenant: 'default',
  ...over,
});

describe('claim mapping', () => {
  it('a role claim string is the role; without a map the value is the role itself', () => {
    assert.deepEqual(roleOf({ role: 'sensor' }, issuer()), { role: 'sensor' });
  });

  it('a scope string is split on white space and mapped; unmapped values are ignored', () => {
    const i = issuer({ roleClaim: 'scope', roleMap: { 'records:measurements': 'sensor' } });
    assert.deepEqual(roleOf({ scope: 'openid records:measurements profile' }, i), { role: 'sensor' });
    assert.ok('refused' in roleOf({ scope: 'openid profile' }, i), 'no mapped value: no role');
  });

  it('a nested array claim (Keycloak realm_access.roles) is read by its path', () => {
    const i = issuer({
      roleClaim: ['realm_access', 'roles'],
      roleMap: { 'mro-certifier': 'certifying_staff' },
    });
    const payload: JWTPayload = { realm_access: { roles: ['offline_access', 'mro-certifier'] } };
    assert.deepEqual(roleOf(payload, i), { role: 'certifying_staff' });
  });

  it('a claim name with dots (a namespaced claim) is one name, not a path', () => {
    const i = issuer({ roleClaim: 'https://idp.example/roles' });
    assert.deepEqual(roleOf({ 'https://idp.example/roles': ['fleet_ops'] }, i), { role: 'fleet_ops' });
  });

  it('a token that maps to two Airlock roles is refused: one token, one role', () => {
    const i = issuer({
      roleClaim: 'groups',
      roleMap: { certifiers: 'certifying_staff', auditors: 'compliance_auditor' },
    });
    const out = roleOf({ groups: ['certifiers', 'auditors'] }, i);
    assert.ok('refused' in out && /several/.test(out.refused), JSON.stringify(out));
    // Two values mapping to the same role are one role.
    const same = issuer({ roleClaim: 'groups', roleMap: { a: 'sensor', b: 'sensor' } });
    assert.deepEqual(roleOf({ groups: ['a', 'b'] }, same), { role: 'sensor' });
  });

  it('a role claim of another type, or a map key inherited from Object, gives no role', () => {
    for (const role of [7, null, { a: 1 }, [1, 2], undefined])
      assert.ok('refused' in roleOf({ role } as JWTPayload, issuer()), String(role));
    const i = issuer({ roleMap: { sensor: 'sensor' } });
    assert.ok('refused' in roleOf({ role: 'constructor' }, i));
  });

  it('the tenant: fixed by the issuer, or from its claim, allow-listed and well-formed', () => {
    assert.deepEqual(tenantOf({}, issuer({ tenant: 'airline-a' })), { tenant: 'airline-a' });
    const byClaim = issuer({ tenantClaim: 'org', tenants: ['airline-a', 'airline-b'] });
    assert.deepEqual(tenantOf({ org: 'airline-b' }, byClaim), { tenant: 'airline-b' });
    for (const org of [undefined, 7, '', 'airline-c', 'a b', 'x'.repeat(65)])
      assert.ok('refused' in tenantOf({ org } as JWTPayload, byClaim), String(org));
  });
});

describe('configuration of several issuers', () => {
  const issuers = (list: unknown[]) => ({
    ...base,
    AIRLOCK_TLS_CERT_FILE: '/c',
    AIRLOCK_TLS_KEY_FILE: '/k',
    AIRLOCK_TLS_CLIENT_CA_FILE: '/ca',
    AIRLOCK_JWT_ISSUERS: JSON.stringify(list),
  });
  const refused = (env: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () => loadConfig(env, 'ingress'),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => pattern.test(p)),
    );
  const a = { issuer: 'https://a.example/', audience: 'airlock', jwksUrl: 'https://a.example/jwks' };

  it('loads a list, with the jwt section’s algorithms and tolerance as defaults', () => {
    const c = loadConfig(issuers([a, { ...a, issuer: 'https://b.example/', clockToleranceS: 5 }]), 'ingress');
    const [first, second] = trustedIssuers(c);
    assert.equal(first?.clockToleranceS, 30);
    assert.equal(second?.clockToleranceS, 5);
    assert.deepEqual(first?.algorithms, ['ES256', 'RS256', 'PS256', 'EdDSA']);
    assert.equal(first?.tenant, 'default');
  });

  it('refuses the list beside the single-issuer settings, an issuer twice, an unknown key, http keys', () => {
    refused({ ...issuers([a]), AIRLOCK_JWT_ISSUER: 'https://x/' }, /AIRLOCK_JWT_ISSUERS: set together/);
    refused(issuers([a, a]), /each issuer once/);
    refused(issuers([{ ...a, roles: 'role' }]), /jwt\.issuers\.0.*roles/);
    refused(
      issuers([{ ...a, jwksUrl: 'http://a.example/jwks' }]),
      /jwt\.issuers\.0\.jwksUrl\): must be https/,
    );
    refused(issuers([{ ...a, jwksFile: '/j' }]), /exactly one of jwksUrl and jwksFile/);
    refused(issuers([{ ...a, tenant: 'x', tenantClaim: 'org' }]), /exclude each other/);
    refused(issuers([{ ...a, tenant: 'not a tenant' }]), /a tenant/);
  });
});

describe('a verifier of two issuers', () => {
  let keyA: Key;
  let keyB: Key;
  let jwksA: string;
  let server: Server;
  let jwksBUrl: string;
  let fetchesB = 0;

  const sign = (key: Key, claims: JWTPayload) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ aud: 'airlock', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('device-9')
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(key);
  };

  before(async () => {
    const jwk = async (key: Key) => {
      const { d: _d, ...pub } = await exportJWK(key);
      return { keys: [{ ...pub, kid: 'k1', alg: 'ES256', use: 'sig' }] };
    };
    ({ privateKey: keyA } = await generateKeyPair('ES256', { extractable: true }));
    ({ privateKey: keyB } = await generateKeyPair('ES256', { extractable: true }));
    jwksA = `${mkdtempSync(`${tmpdir()}/airlock-issuers-`)}/a.json`;
    writeFileSync(jwksA, JSON.stringify(await jwk(keyA)));
    const bodyB = JSON.stringify(await jwk(keyB));
    server = createServer((_req, res) => {
      fetchesB++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(bodyB);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksBUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  after(() => server?.close());

  const verifier = () =>
    createTokenVerifier(
      loadConfig(
        {
          ...base,
          AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
          AIRLOCK_JWT_ALGORITHMS: 'ES256',
          AIRLOCK_JWT_ISSUERS: JSON.stringify([
            { issuer: 'https://a.example/', audience: 'airlock', jwksFile: jwksA, tenant: 'airline-a' },
            {
              issuer: 'https://b.example/',
              audience: 'airlock',
              jwksUrl: jwksBUrl,
              roleClaim: 'scope',
              roleMap: { 'records:measurements': 'sensor' },
              tenantClaim: 'org',
              tenants: ['airline-b', 'airline-c'],
            },
          ]),
        },
        'ingress',
      ),
      { requireBinding: false },
    );
  const refusedWith = async (p: Promise<unknown>, code: string, message?: RegExp) =>
    assert.rejects(
      p,
      (e: unknown) => e instanceof AirlockError && e.code === code && (!message || message.test(e.message)),
    );

  it('each issuer’s tokens verify with its own keys and mapping', async () => {
    const v = verifier();
    const a = await v(await sign(keyA, { iss: 'https://a.example/', role: 'certifying_staff' }), undefined);
    assert.deepEqual([a.issuer, a.role, a.tenant], ['https://a.example/', 'certifying_staff', 'airline-a']);
    const b = await v(
      await sign(keyB, { iss: 'https://b.example/', scope: 'records:measurements', org: 'airline-c' }),
      undefined,
    );
    assert.deepEqual([b.issuer, b.role, b.tenant], ['https://b.example/', 'sensor', 'airline-c']);
  });

  it('a token naming one issuer but signed by the other’s key is refused', async () => {
    const v = verifier();
    await refusedWith(
      v(await sign(keyB, { iss: 'https://a.example/', role: 'sensor' }), undefined),
      'UNAUTHENTICATED',
    );
    await refusedWith(
      v(
        await sign(keyA, { iss: 'https://b.example/', scope: 'records:measurements', org: 'airline-b' }),
        undefined,
      ),
      'UNAUTHENTICATED',
    );
  });

  it('an unknown or missing issuer is refused before any key is fetched', async () => {
    const v = verifier();
    const before = fetchesB;
    await refusedWith(
      v(await sign(keyB, { iss: 'https://evil.example/' }), undefined),
      'UNAUTHENTICATED',
      /not trusted/,
    );
    await refusedWith(v(await sign(keyB, {}), undefined), 'UNAUTHENTICATED', /not trusted/);
    await refusedWith(
      v(await sign(keyB, { iss: ['https://b.example/'] } as unknown as JWTPayload), undefined),
      'UNAUTHENTICATED',
      /not trusted/,
    );
    assert.equal(fetchesB, before, 'the JWKS was fetched for a token of an unknown issuer');
  });

  it('a tenant outside the issuer’s allow-list, or no tenant claim, is refused', async () => {
    const v = verifier();
    const claims = { iss: 'https://b.example/', scope: 'records:measurements' };
    await refusedWith(
      v(await sign(keyB, { ...claims, org: 'airline-a' }), undefined),
      'UNAUTHENTICATED',
      /tenant/,
    );
    await refusedWith(v(await sign(keyB, claims), undefined), 'UNAUTHENTICATED', /tenant/);
  });
});
