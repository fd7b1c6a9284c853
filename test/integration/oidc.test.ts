/**
 * A real OpenID provider (the certified `oidc-provider` package) issues JWT access tokens through
 * the client-credentials grant; the gateway verifies them through the provider's JWKS URL. With the
 * JWKS endpoint unreachable, the gateway answers 503, never 2xx.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { httpsCall, postRecord } from '../support/https.ts';
import { endOffset, readTopic, testKafka } from '../support/kafka.ts';
import { startProvider, type TestProvider } from '../support/oidc.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { services } from '../support/services.ts';
import { freePort } from '../support/wait.ts';

const CLIENT_ID = 'tablet-fleet-7';

const post = (p: Pipeline, token: string) => postRecord(p.pki, p.url, token);

describe('tokens from a real OpenID provider (client credentials, JWKS URL)', () => {
  let issuer: string;
  let op: TestProvider;
  let p: Pipeline;

  before(async () => {
    op = await startProvider(CLIENT_ID, { role: 'certifying_staff' });
    issuer = op.issuer;
    p = await startPipeline(await services(), ['ingress'], {
      AIRLOCK_JWT_JWKS_FILE: '',
      AIRLOCK_JWT_JWKS_URL: `${issuer}/jwks`,
      // The test's identity provider speaks plain http on 127.0.0.1 (development switch).
      AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true',
      AIRLOCK_JWT_ISSUER: issuer,
      AIRLOCK_JWT_AUDIENCE: 'airlock-ingress',
      AIRLOCK_JWT_REQUIRE_TYP: 'true',
      // The provider's client-credentials tokens are not certificate-bound: the identity map says
      // which certificate may carry them (docs/adr/0009-identity-policy.md).
      AIRLOCK_INGRESS_IDENTITY_POLICY: 'map',
      AIRLOCK_INGRESS_IDENTITY_MAP: JSON.stringify({
        'uri:urn:airlock:dev:certifying_staff': { subjects: [CLIENT_ID], roles: ['certifying_staff'] },
      }),
    });
  });
  after(async () => {
    await p?.stop();
    op?.server.close();
  });

  const fetchToken = () => op.token();

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

/**
 * The identity provider's faults are not the client's (issue #12 §4): a JWKS endpoint that the test
 * controls answers each fault in turn. The ingress has never fetched a good key set, so each
 * request fetches again and meets the current fault.
 */
describe('JWKS endpoint answering faults', () => {
  let p: Pipeline;
  let jwks: Server;
  let fault: string | undefined;
  let fetches = 0;
  const FAULTS: Record<string, (res: import('node:http').ServerResponse) => void> = {
    redirect: (res) => res.writeHead(302, { location: '/elsewhere' }).end(),
    '500': (res) => res.writeHead(500).end('{"keys":[]}'),
    '404': (res) => res.writeHead(404).end(),
    html: (res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>'),
    'malformed JSON': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":['),
    '{}': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    '{"keys":{}}': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":{}}'),
  };

  before(async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const { readFileSync } = await import('node:fs');
    const port = await freePort();
    jwks = createHttpServer((req, res) => {
      fetches++;
      if (req.url === '/elsewhere' || fault === undefined) {
        // The good key set (a followed redirect would find it here and accept the token).
        const body = readFileSync(`${p.pki}/jwks.json`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      FAULTS[fault]?.(res);
    }).listen(port, '127.0.0.1');
    fault = 'redirect';
    p = await startPipeline(await services(), ['ingress'], {
      AIRLOCK_JWT_JWKS_FILE: '',
      AIRLOCK_JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
      AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true',
    });
  });
  after(async () => {
    await p?.stop();
    jwks?.close();
  });

  it('redirect, 500, 404, HTML, malformed JSON, {} and {"keys":{}} are 503 IDP_UNAVAILABLE with Retry-After; nothing published', async () => {
    const { tokenFor } = await import('../support/https.ts');
    const token = await tokenFor(p.pki, 'certifying_staff');
    const admin = testKafka(await services()).admin();
    await admin.connect();
    try {
      for (const name of Object.keys(FAULTS)) {
        fault = name;
        const before = fetches;
        const res = await post(p, token);
        assert.ok(fetches > before, `${name}: the ingress fetched the JWKS`);
        assert.equal(res.status, 503, `${name}: ${res.text}`);
        assert.equal(res.json<{ code: string }>().code, 'IDP_UNAVAILABLE', name);
        assert.ok(Number(res.headers['retry-after']) > 0, name);
        assert.equal(res.headers['www-authenticate'], undefined, `${name}: not a challenge to the client`);
        const ready = await httpsCall(p.pki, `${p.url}/health/ready`);
        assert.equal(ready.json<{ checks: { jwks: string } }>().checks.jwks, 'down', name);
      }
      assert.equal(await endOffset(admin, p.topics.ingress), 0, 'nothing published');
      // The same token, once the provider serves its key set: accepted.
      fault = undefined;
      const res = await post(p, token);
      assert.equal(res.status, 202, res.text);
    } finally {
      await admin.disconnect();
    }
  });
});
