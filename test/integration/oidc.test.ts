/**
 * A real OpenID provider (the certified `oidc-provider` package) issues JWT access tokens through
 * the client-credentials grant; the gateway verifies them through the provider's JWKS URL. With the
 * JWKS endpoint unreachable, the gateway answers 503, never 2xx.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { httpsCall } from '../support/https.ts';
import { endOffset, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { services } from '../support/services.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const CLIENT = { id: 'tablet-fleet-7', secret: 'a-long-client-secret-for-the-test-only' };

const post = (p: Pipeline, token: string) =>
  httpsCall(p.pki, `${p.url}/v1/parts/trace`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-maintenance-context': contextHeader(sampleContext()),
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(sampleRecord()),
  });

describe('tokens from a real OpenID provider (client credentials, JWKS URL)', () => {
  let issuer: string;
  let op: Server;
  let p: Pipeline;

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'op-es256-1', alg: 'ES256', use: 'sig' };
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'ES256',
        },
      ],
      jwks: { keys: [jwk] },
      features: {
        clientCredentials: { enabled: true },
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => 'urn:airlock:ingress',
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'records:write',
            audience: 'airlock-ingress',
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
      extraTokenClaims: async () => ({ role: 'certifying_staff' }),
    });
    op = provider.listen(port, '127.0.0.1');
    p = await startPipeline(await services(), ['ingress'], {
      AIRLOCK_JWT_JWKS_FILE: '',
      AIRLOCK_JWT_JWKS_URL: `${issuer}/jwks`,
      // The test's identity provider speaks plain http on 127.0.0.1 (development switch).
      AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true',
      AIRLOCK_JWT_ISSUER: issuer,
      AIRLOCK_JWT_AUDIENCE: 'airlock-ingress',
      AIRLOCK_JWT_REQUIRE_TYP: 'true',
    });
  });
  after(async () => {
    await p?.stop();
    op?.close();
  });

  const fetchToken = async () => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'records:write',
        resource: 'urn:airlock:ingress',
      }),
    });
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.ok(body.access_token);
    return body.access_token;
  };

  it('the provider’s JWT access token is accepted (202) and its subject becomes the actor', async () => {
    const token = await fetchToken();
    const claims = decodeJwt(token);
    assert.equal(claims.iss, issuer);
    assert.equal(claims.aud, 'airlock-ingress');
    const res = await post(p, token);
    assert.equal(res.status, 202, `${res.text}\n${p.output('ingress')}`);
    const [record] = await readTopic(testKafka(await services()), p.topics.ingress, {
      expect: 1,
      settleMs: 500,
    });
    assert.ok(claims.sub, 'the provider sets sub');
    assert.equal(record?.headers['airlock-subject'], claims.sub);
    assert.equal(record?.headers['airlock-role'], 'certifying_staff');
  });

  it('readiness includes the JWKS endpoint', async () => {
    const ready = await httpsCall(p.pki, `${p.url}/health/ready`);
    assert.equal(ready.json<{ checks: { jwks: string } }>().checks.jwks, 'up');
  });

  it('a token of the provider with a byte changed is refused (401)', async () => {
    const token = await fetchToken();
    const tampered = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
    assert.equal((await post(p, tampered)).status, 401);
  });
});

describe('JWKS endpoint unreachable', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline(await services(), ['ingress'], {
      AIRLOCK_JWT_JWKS_FILE: '',
      AIRLOCK_JWT_JWKS_URL: 'http://127.0.0.1:1/jwks',
      AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true',
      AIRLOCK_JWT_JWKS_TIMEOUT_MS: '500',
    });
  });
  after(async () => {
    await p?.stop();
  });

  it('answers 503 IDP_UNAVAILABLE with Retry-After, never 2xx', async () => {
    const { tokenFor } = await import('../support/https.ts');
    const res = await post(p, await tokenFor(p.pki, 'certifying_staff'));
    assert.equal(res.status, 503, res.text);
    assert.equal(res.json<{ code: string }>().code, 'IDP_UNAVAILABLE');
    assert.ok(res.headers['retry-after']);
    const admin = testKafka(await services()).admin();
    await admin.connect();
    assert.equal(await endOffset(admin, p.topics.ingress), 0, 'nothing published');
    await admin.disconnect();
    const ready = await httpsCall(p.pki, `${p.url}/health/ready`);
    assert.equal(ready.status, 503);
    assert.equal(ready.json<{ checks: { jwks: string } }>().checks.jwks, 'down');
  });
});
