/**
 * Browser clients (issue #15 §5): CORS for the configured origins only, preflights answered before
 * anything else and never with data, an unlisted origin refused; security headers on every answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../core/config/load.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../../scripts/lib/sample.ts';
import { testIngress } from '../../support/ingress-app.ts';

const EFB = 'https://efb.example.com';
const PORTAL = 'http://localhost:5173';
const setup = (origins = `${EFB},${PORTAL}`) =>
  testIngress({ env: origins === '' ? {} : { AIRLOCK_INGRESS_CORS_ORIGINS: origins } });

const preflight = (origin: string, method = 'POST') => ({
  method: 'OPTIONS' as const,
  url: '/v1/parts/trace',
  headers: {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': 'authorization, content-type, x-maintenance-context, idempotency-key',
  },
});
const post = (origin?: string) => ({
  method: 'POST' as const,
  url: '/v1/parts/trace',
  headers: {
    'content-type': 'application/json',
    'x-maintenance-context': contextHeader(sampleContext()),
    ...(origin ? { origin } : {}),
  },
  payload: JSON.stringify(sampleRecord()),
});

describe('CORS (AIRLOCK_INGRESS_CORS_ORIGINS)', () => {
  it('a listed origin’s preflight: 204, its origin, credentials, the methods and headers the routes read, no body, nothing published', async () => {
    const { app, published } = setup();
    for (const origin of [EFB, PORTAL]) {
      const res = await app.inject(preflight(origin));
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(res.body, '');
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
      assert.match(String(res.headers['access-control-allow-methods']), /POST/);
      for (const h of ['authorization', 'content-type', 'x-maintenance-context', 'idempotency-key'])
        assert.match(String(res.headers['access-control-allow-headers']), new RegExp(h));
      assert.equal(res.headers['access-control-max-age'], '600');
      assert.match(String(res.headers.vary), /origin/i);
    }
    assert.equal(published.length, 0);
  });

  it('a listed origin’s request: answered with its origin and the headers a page may read', async () => {
    const { app, published } = setup();
    const res = await app.inject(post(EFB));
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.headers['access-control-allow-origin'], EFB);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    for (const h of ['x-trace-id', 'retry-after', 'ratelimit-remaining'])
      assert.match(String(res.headers['access-control-expose-headers']), new RegExp(h));
    assert.equal(published.length, 1);
  });

  it('an origin not listed: 403 ORIGIN_FORBIDDEN problem, preflight or request, no CORS header, nothing published', async () => {
    const { app, published } = setup();
    for (const req of [
      preflight('https://evil.example'),
      post('https://evil.example'),
      post(`${EFB}.evil.example`),
    ]) {
      const res = await app.inject(req);
      assert.equal(res.statusCode, 403, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json<{ code: string }>().code, 'ORIGIN_FORBIDDEN');
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
    }
    assert.equal(published.length, 0);
  });

  it('none configured (the default): every origin refused, requests without Origin served as before', async () => {
    const { app, published } = setup('');
    const refused = await app.inject(preflight(EFB));
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    const served = await app.inject(post());
    assert.equal(served.statusCode, 202, served.body);
    assert.equal(served.headers['access-control-allow-origin'], undefined);
    assert.equal(published.length, 1);
  });

  it('only exact origins are accepted in the configuration: no wildcard, path, or plain http off loopback', () => {
    const load = (origins: string) =>
      loadConfig(
        {
          AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
          AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
          AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
          AIRLOCK_INGRESS_CORS_ORIGINS: origins,
        },
        'ingress',
      );
    assert.deepEqual(load(`${EFB}, https://portal.example.com:8443`).ingress.corsOrigins, [
      EFB,
      'https://portal.example.com:8443',
    ]);
    for (const bad of [
      '*',
      'https://*.example.com',
      `${EFB}/`,
      `${EFB}/app`,
      'http://efb.example.com',
      'efb.example.com',
    ])
      assert.throws(() => load(bad), /AIRLOCK_INGRESS_CORS_ORIGINS.*exact origin/s, bad);
  });
});

describe('security headers on every answer', () => {
  it('nosniff, no-store and a CSP that allows nothing, on a 202, a problem and a health answer', async () => {
    const { app } = setup('');
    for (const req of [
      post(),
      { ...post(), payload: '{' },
      { method: 'GET' as const, url: '/health/live' },
    ]) {
      const res = await app.inject(req);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', req.url);
      assert.equal(res.headers['cache-control'], 'no-store', req.url);
      assert.equal(
        res.headers['content-security-policy'],
        "default-src 'none'; frame-ancestors 'none'",
        req.url,
      );
    }
  });
});
