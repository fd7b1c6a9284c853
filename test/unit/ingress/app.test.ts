/**
 * The ingress HTTP layer through fastify's inject(): order of checks, problem+json, and that a
 * rejected request reaches no publisher. The publisher here is an in-memory recorder standing in
 * for the Publisher interface only; the integration tests publish to the real broker.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AirlockError } from '../../../core/errors.ts';
import { Header } from '../../../core/headers.ts';
import { jsonTextProblem } from '../../../core/json-text.ts';
import { createLocalStore } from '../../../core/store/local.ts';
import type { StateStore } from '../../../core/store/store.ts';
import type { Authenticator } from '../../../ingress/identity.ts';
import {
  contextHeader,
  sampleContext,
  sampleInstallation,
  sampleRecord,
} from '../../../scripts/lib/sample.ts';
import { testIngress } from '../../support/ingress-app.ts';
import { whileRuleThrows } from '../../support/rules.ts';

const setup = (fail?: AirlockError, store?: StateStore) =>
  testIngress({
    env: { AIRLOCK_INGRESS_MAX_BODY_BYTES: '4096' },
    ...(fail ? { fail } : {}),
    ...(store ? { store } : {}),
  });

const ctx = contextHeader(sampleContext());
const body = JSON.stringify(sampleRecord());
type Req = { method: 'POST'; url: string; headers: Record<string, string | string[]>; payload: string };
const post = (headers: Record<string, string | string[]>, payload: string = body): Req => ({
  method: 'POST',
  url: '/v1/parts/trace',
  headers: { 'content-type': 'application/json', 'x-maintenance-context': ctx, ...headers },
  payload,
});

describe('ingress: POST /v1/parts/trace', () => {
  it('answers 202 with a trace id and publishes the body as received, keyed by the part (number|serial)', async () => {
    const { app, published } = setup();
    const spaced = body.replace(/,/g, ', ');
    const res = await app.inject(
      post(
        { 'idempotency-key': 'k-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
        spaced,
      ),
    );
    assert.equal(res.statusCode, 202);
    const { trace_id } = res.json() as { trace_id: string };
    assert.match(trace_id, /^[0-9a-f-]{36}$/);
    assert.equal(published.length, 1);
    const [rec] = published;
    assert.equal(rec?.value, spaced);
    // Partition key per route (issue #11): every event of one serialised part in one partition.
    assert.equal(rec?.key, '2314567-3|SN12345K');
    assert.equal(rec?.headers[Header.traceId], trace_id);
    assert.equal(rec?.headers[Header.route], 'parts-trace');
    assert.equal(rec?.headers[Header.source], 'http');
    assert.equal(rec?.headers[Header.idempotencyKey], 'k-1');
    assert.match(
      rec?.headers[Header.traceparent] ?? '',
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/,
    );
    assert.deepEqual(
      JSON.parse(rec?.headers[Header.maintenanceContext] ?? ''),
      JSON.parse(Buffer.from(ctx, 'base64').toString()),
    );
  });

  const rejections: [string, Req, number, string][] = [
    [
      'missing context',
      { ...post({}), headers: { 'content-type': 'application/json' } },
      403,
      'CONTEXT_INVALID',
    ],
    ['context not base64', post({ 'x-maintenance-context': '{"a":1}' }), 403, 'CONTEXT_INVALID'],
    ['text/plain body', post({ 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'form body',
      post({ 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'oversized body',
      post({}, JSON.stringify({ ...sampleRecord(), remarks: 'x'.repeat(5000) })),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['malformed JSON', post({}, '{"part_number": '), 400, 'MALFORMED_JSON'],
    ['empty body', post({}, ''), 400, 'MALFORMED_JSON'],
    ['prototype pollution', post({}, '{"__proto__": {"admin": true}}'), 400, 'MALFORMED_JSON'],
    [
      'schema violation',
      post({}, JSON.stringify({ ...sampleRecord(), serial_number: 42 })),
      422,
      'SCHEMA_VIOLATION',
    ],
  ];
  for (const [name, req, status, code] of rejections) {
    it(`${name} → ${status} problem+json, nothing published`, async () => {
      const { app, published } = setup();
      const res = await app.inject(req);
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.headers['cache-control'], 'no-store');
      const problem = res.json() as {
        status: number;
        code: string;
        title: string;
        detail: string;
        trace_id: string;
      };
      assert.equal(problem.status, status);
      assert.equal(problem.code, code);
      assert.ok(problem.title && problem.detail && problem.trace_id);
      assert.doesNotMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
      assert.equal(published.length, 0);
    });
  }

  it('no content-type and no body → 415, not 500', async () => {
    const { app, published } = setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/parts/trace',
      headers: { 'x-maintenance-context': ctx },
    });
    assert.equal(res.statusCode, 415, res.body);
    assert.equal(published.length, 0);
  });

  it('the context is checked before the body: bad context and bad body → 403', async () => {
    const { app } = setup();
    const res = await app.inject(post({ 'x-maintenance-context': 'nope' }, '{broken'));
    assert.equal(res.statusCode, 403);
  });

  it('names every schema error by JSON pointer and rule', async () => {
    const { app } = setup();
    const res = await app.inject(
      post({}, JSON.stringify({ ...sampleRecord(), serial_number: 42, colour: 'red' })),
    );
    const { errors } = res.json() as { errors: { path: string; rule: string; message: string }[] };
    assert.deepEqual(errors.map((e) => e.path).sort(), ['/colour', '/serial_number']);
    assert.ok(errors.every((e) => e.message));
    // The catalogue's rule where it names one (PART-ID-1: a serialised item needs its serial
    // number), AVRO-SCHEMA where none does (issue #12 §19).
    assert.deepEqual(Object.fromEntries(errors.map((e) => [e.path, e.rule])), {
      '/colour': 'AVRO-SCHEMA',
      '/serial_number': 'PART-ID-1',
    });
  });

  it('applies the same recordkeeping rules as the validators: 422 RULE_VIOLATION with rule ids', async () => {
    const { app, published } = setup();
    const res = await app.inject(
      post(
        {},
        JSON.stringify({ ...sampleInstallation(), airworthiness_certificate_ref: 'EASA-DE.145.0123-1' }),
      ),
    );
    assert.equal(res.statusCode, 422, res.body);
    const problem = res.json() as { code: string; errors: { rule: string; path: string }[] };
    assert.equal(problem.code, 'RULE_VIOLATION');
    assert.deepEqual(problem.errors.map((e) => e.rule).sort(), [
      'ACR-EASA-1',
      'ACR-SEED-1',
      'TRACE-CERT-EASA',
    ]);
    assert.ok(problem.errors.every((e) => e.path === '/airworthiness_certificate_ref'));
    assert.equal(published.length, 0);
  });

  it('answers 503 with Retry-After, never 202, when the broker does not acknowledge', async () => {
    const { app, published } = setup(
      new AirlockError('KAFKA_UNAVAILABLE', 'no acknowledgement within 10 ms'),
    );
    const res = await app.inject(post({}));
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '5');
    assert.equal((res.json() as { code: string }).code, 'KAFKA_UNAVAILABLE');
    assert.equal(published.length, 0);
  });

  it('answers unknown paths with a 404 problem', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/v1/nope' });
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as { code: string }).code, 'NOT_FOUND');
  });
});

describe('ingress: Idempotency-Key (local store)', () => {
  const withKey = (key: string, payload = body) => post({ 'idempotency-key': key }, payload);

  it('same key and body → the stored answer with the same trace id, published once', async () => {
    const { app, published } = setup();
    const a = await app.inject(withKey('k-1'));
    const b = await app.inject(withKey('k-1'));
    assert.equal(a.statusCode, 202);
    assert.equal(b.statusCode, 202);
    assert.equal((a.json() as { trace_id: string }).trace_id, (b.json() as { trace_id: string }).trace_id);
    assert.equal(b.headers['x-trace-id'], (a.json() as { trace_id: string }).trace_id);
    assert.equal(published.length, 1);
  });

  it('same key, other body → 422 IDEMPOTENCY_MISMATCH, nothing more published', async () => {
    const { app, published } = setup();
    await app.inject(withKey('k-2'));
    const res = await app.inject(withKey('k-2', JSON.stringify({ ...sampleRecord(), remarks: 'changed' })));
    assert.equal(res.statusCode, 422);
    assert.equal((res.json() as { code: string }).code, 'IDEMPOTENCY_MISMATCH');
    assert.equal(published.length, 1);
  });

  it('same key still in flight → 409', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { app, published } = testIngress({
      env: { AIRLOCK_INGRESS_MAX_BODY_BYTES: '4096' },
      beforePublish: () => gate,
    });
    const first = app.inject(withKey('k-3'));
    await new Promise((r) => setTimeout(r, 50));
    const second = await app.inject(withKey('k-3'));
    assert.equal(second.statusCode, 409);
    assert.equal((second.json() as { code: string }).code, 'IDEMPOTENCY_IN_FLIGHT');
    release();
    assert.equal((await first).statusCode, 202);
    assert.equal(published.length, 1);
  });

  it('a request that failed before it was durable frees its key for the retry', async () => {
    const store = createLocalStore();
    const failing = setup(new AirlockError('KAFKA_UNAVAILABLE', 'down'), store);
    assert.equal((await failing.app.inject(withKey('k-4'))).statusCode, 503);
    const healthy = setup(undefined, store);
    assert.equal((await healthy.app.inject(withKey('k-4'))).statusCode, 202);
    assert.equal(healthy.published.length, 1);
  });

  it('rejects an oversized or non-printable key with 400 before anything else', async () => {
    const { app, published } = setup();
    for (const key of ['x'.repeat(300), 'has space']) {
      const res = await app.inject(withKey(key));
      assert.equal(res.statusCode, 400, key);
      assert.equal((res.json() as { code: string }).code, 'HEADER_INVALID');
    }
    assert.equal(published.length, 0);
  });
});

describe('ingress: batches (207, one result per record)', () => {
  const good = sampleRecord();
  const bad = { ...sampleRecord(), serial_number: 1 };
  const ruleBreaker = { ...sampleRecord(), airworthiness_certificate_ref: 'FAA--' };
  type Batch = {
    accepted: number;
    rejected: number;
    results: {
      index: number;
      status: number;
      trace_id?: string;
      code?: string;
      errors?: { path: string; rule: string }[];
    }[];
  };

  it('a JSON array: valid records published, each invalid one answered with its own status and errors', async () => {
    const { app, published } = setup();
    const res = await app.inject(post({}, JSON.stringify([good, bad, good, ruleBreaker])));
    assert.equal(res.statusCode, 207, res.body);
    const b = res.json() as Batch;
    assert.deepEqual(
      b.results.map((r) => r.status),
      [202, 422, 202, 422],
    );
    assert.equal(b.accepted, 2);
    assert.equal(b.results[1]?.code, 'SCHEMA_VIOLATION');
    assert.equal(b.results[3]?.code, 'RULE_VIOLATION');
    assert.deepEqual(
      b.results[1]?.errors?.map((e) => e.path),
      ['/serial_number'],
    );
    assert.equal(published.length, 2);
    assert.deepEqual(
      published.map((p) => p.headers['airlock-trace-id']).sort(),
      [b.results[0]?.trace_id, b.results[2]?.trace_id].sort(),
    );
  });

  it('NDJSON: each line published as sent; a malformed line fails alone', async () => {
    const { app, published } = setup();
    const lines = [JSON.stringify(good), '{"broken":', JSON.stringify(good)];
    const res = await app.inject(post({ 'content-type': 'application/x-ndjson' }, `${lines.join('\n')}\n`));
    assert.equal(res.statusCode, 207, res.body);
    const b = res.json() as Batch;
    assert.deepEqual(
      b.results.map((r) => r.status),
      [202, 400, 202],
    );
    assert.deepEqual(
      published.map((p) => p.value),
      [lines[0], lines[2]],
    );
  });

  it('an empty batch is 400; one over the cap is 413; nothing published', async () => {
    const { app, published } = setup();
    assert.equal((await app.inject(post({}, '[]'))).statusCode, 400);
    const many = JSON.stringify(Array.from({ length: 501 }, () => ({ a: 1 })));
    assert.equal((await app.inject(post({}, many))).statusCode, 413);
    assert.equal(published.length, 0);
  });

  it('a batch with an Idempotency-Key is answered again, identically, without publishing again', async () => {
    const { app, published } = setup();
    const payload = JSON.stringify([good, bad]);
    const a = await app.inject(post({ 'idempotency-key': 'batch-1' }, payload));
    const b = await app.inject(post({ 'idempotency-key': 'batch-1' }, payload));
    assert.equal(a.statusCode, 207);
    assert.deepEqual(b.json(), a.json());
    assert.equal(published.length, 1);
  });

  it("each published record names its position in the request, not among the passing ones (the validators' dedupe pair)", async () => {
    const { app, published } = setup();
    await app.inject(post({ 'idempotency-key': 'batch-2' }, JSON.stringify([bad, good, bad, good])));
    assert.deepEqual(
      published.map((p) => [p.headers['airlock-idempotency-key'], p.headers['airlock-idempotency-index']]),
      [
        ['batch-2', '1'],
        ['batch-2', '3'],
      ],
    );
  });
});

describe('ingress: rate limits (sliding window, local store)', () => {
  const limited = (limits: string) => testIngress({ env: { AIRLOCK_INGRESS_RATE_LIMITS: limits } });

  it('the request over the limit gets 429 with Retry-After and RateLimit-* headers, and publishes nothing', async () => {
    const { app, published } = limited('{"*":{"limit":3,"windowMs":60000}}');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await app.inject(post({})));
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [202, 202, 202, 429],
    );
    assert.equal(answers[0]?.headers['ratelimit-limit'], '3');
    assert.equal(answers[0]?.headers['ratelimit-remaining'], '2');
    const last = answers[3];
    assert.ok(last);
    assert.equal((last.json() as { code: string }).code, 'RATE_LIMITED');
    assert.ok(Number(last.headers['retry-after']) >= 1);
    assert.equal(last.headers['ratelimit-remaining'], '0');
    assert.equal(published.length, 3);
  });

  it('a route override applies to its route only', async () => {
    const { app } = limited(
      '{"*":{"limit":100,"windowMs":60000,"routes":{"parts-trace":{"limit":1,"windowMs":60000}}}}',
    );
    assert.equal((await app.inject(post({}))).statusCode, 202);
    assert.equal((await app.inject(post({}))).statusCode, 429);
  });
});

describe('ingress: tenant limits (issue #15 §3)', () => {
  /** Senders named by a test header: subject and tenant (the authenticators are tested apart). */
  const bySender: Authenticator = async (req) => {
    const [subject = 'x', tenant = 'default'] = String(req.headers['x-test-sender'] ?? '').split('@');
    return { subject, role: 'certifying_staff', tenant };
  };
  const ingress = (tenantLimits: unknown, rateLimits: unknown = { '*': { limit: 100, windowMs: 60_000 } }) =>
    testIngress({
      env: {
        AIRLOCK_INGRESS_TENANT_LIMITS: JSON.stringify(tenantLimits),
        AIRLOCK_INGRESS_RATE_LIMITS: JSON.stringify(rateLimits),
      },
      authenticate: bySender,
    });
  const as = (sender: string) => {
    const r = post({});
    return { ...r, headers: { ...r.headers, 'x-test-sender': sender } };
  };

  it('a tenant’s window is shared by its identities; another tenant has its own; the default applies to unnamed ones', async () => {
    const { app, published } = ingress({
      'airline-a': { limit: 2, windowMs: 60_000 },
      '*': { limit: 1, windowMs: 60_000 },
    });
    const codes = async (senders: string[]) => {
      const out = [];
      for (const s of senders) out.push((await app.inject(as(s))).statusCode);
      return out;
    };
    assert.deepEqual(await codes(['t1@airline-a', 't2@airline-a', 't3@airline-a']), [202, 202, 429]);
    assert.deepEqual(await codes(['t1@airline-b', 't2@airline-b']), [202, 429]);
    assert.deepEqual(await codes(['t1@airline-c']), [202]);
    assert.equal(published.length, 4);
  });

  it('RateLimit-Policy names both policies; the 429 says the tenant’s applied, and its RateLimit-* are the tenant’s', async () => {
    const { app } = ingress(
      { 'airline-a': { limit: 1, windowMs: 60_000 } },
      { '*': { limit: 5, windowMs: 30_000 } },
    );
    const first = await app.inject(as('t1@airline-a'));
    assert.equal(first.statusCode, 202);
    assert.equal(first.headers['ratelimit-policy'], '"tenant";q=1;w=60, "identity";q=5;w=30');
    assert.match(String(first.headers.ratelimit), /^"tenant";r=0;t=\d+, "identity";r=4;t=\d+$/);
    assert.equal(first.headers['ratelimit-limit'], '1');
    const second = await app.inject(as('t2@airline-a'));
    assert.equal(second.statusCode, 429);
    const problem = second.json() as { code: string; detail: string };
    assert.equal(problem.code, 'RATE_LIMITED');
    assert.match(problem.detail, /tenant airline-a/);
    assert.equal(second.headers['ratelimit-limit'], '1');
    assert.equal(second.headers['ratelimit-remaining'], '0');
    assert.match(String(second.headers.ratelimit), /^"tenant";r=0;t=\d+, "identity";r=4;t=\d+$/);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /airlock_ingress_rate_limited_total\{policy="tenant",tenant="airline-a"\} 1/);
    assert.match(
      metrics.body,
      /airlock_ingress_tenant_requests_total\{tenant="airline-a",route="\/v1\/parts\/trace",status="429"\} 1/,
    );
  });

  it('a request its identity’s limit refuses takes nothing of its tenant’s window', async () => {
    const { app } = ingress(
      { 'airline-a': { limit: 2, windowMs: 60_000 } },
      { '*': { limit: 1, windowMs: 60_000 } },
    );
    assert.equal((await app.inject(as('noisy@airline-a'))).statusCode, 202);
    for (let i = 0; i < 5; i++) {
      const refused = await app.inject(as('noisy@airline-a'));
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['ratelimit-policy'], '"identity";q=1;w=60');
    }
    assert.equal((await app.inject(as('quiet@airline-a'))).statusCode, 202);
  });

  it('a per-route tenant override has its own window; a tenant not configured counts as "other" in metrics', async () => {
    const { app } = ingress({
      '*': { limit: 100, windowMs: 60_000, routes: { 'parts-trace': { limit: 1, windowMs: 60_000 } } },
    });
    assert.equal((await app.inject(as('t1@unlisted'))).statusCode, 202);
    assert.equal((await app.inject(as('t2@unlisted'))).statusCode, 429);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(
      metrics.body,
      /airlock_ingress_tenant_requests_total\{tenant="other",route="\/v1\/parts\/trace",status="202"\} 1/,
    );
    assert.doesNotMatch(metrics.body, /unlisted/);
  });

  it('a record quota counts records; a batch over what is left is 429 QUOTA_EXCEEDED, takes nothing, publishes nothing', async () => {
    const { app, published } = testIngress({
      env: { AIRLOCK_INGRESS_TENANT_QUOTAS: JSON.stringify({ '*': { records: 5, windowMs: 3_600_000 } }) },
      authenticate: bySender,
    });
    const batch = (n: number) => {
      const r = as('t1@airline-a');
      return { ...r, payload: JSON.stringify(Array.from({ length: n }, () => sampleRecord())) };
    };
    const four = await app.inject(batch(4));
    assert.equal(four.statusCode, 207);
    assert.match(String(four.headers.ratelimit), /"quota";r=1;t=\d+$/);
    assert.match(String(four.headers['ratelimit-policy']), /, "quota";q=5;w=3600$/);
    const two = await app.inject(batch(2));
    assert.equal(two.statusCode, 429);
    assert.equal((two.json() as { code: string }).code, 'QUOTA_EXCEEDED');
    assert.ok(Number(two.headers['retry-after']) >= 1);
    assert.equal((await app.inject(as('t2@airline-a'))).statusCode, 202, 'the refused batch took nothing');
    assert.equal((await app.inject(as('t2@airline-a'))).statusCode, 429);
    assert.equal((await app.inject(as('t1@airline-b'))).statusCode, 202, 'each tenant its own quota');
    assert.equal(published.length, 6);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /airlock_ingress_rate_limited_total\{policy="quota",tenant="other"\} 2/);
  });

  it('records whose publish failed (503, nothing visible) give their quota back', async () => {
    const store = createLocalStore();
    const env = { AIRLOCK_INGRESS_TENANT_QUOTAS: JSON.stringify({ '*': { records: 1, windowMs: 60_000 } }) };
    const down = testIngress({
      env,
      store,
      authenticate: bySender,
      fail: new AirlockError('KAFKA_UNAVAILABLE', 'the broker is down'),
    });
    assert.equal((await down.app.inject(as('t1@airline-a'))).statusCode, 503);
    const up = testIngress({ env, store, authenticate: bySender });
    assert.equal((await up.app.inject(as('t1@airline-a'))).statusCode, 202);
    assert.equal((await up.app.inject(as('t1@airline-a'))).statusCode, 429);
  });

  it('the tenant is in the lineage headers of what is published', async () => {
    const { app, published } = ingress({});
    assert.equal((await app.inject(as('t1@airline-a'))).statusCode, 202);
    assert.equal(published[0]?.headers?.['airlock-tenant'], 'airline-a');
  });
});

describe('ingress: /metrics', () => {
  it('counts requests by route and status, rejections by code, publish latency and batch sizes', async () => {
    const { app } = setup();
    await app.inject(post({}));
    await app.inject(post({}, JSON.stringify({ ...sampleRecord(), serial_number: 1 })));
    await app.inject(post({}, JSON.stringify([sampleRecord(), sampleRecord()])));
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /airlock_ingress_requests_total\{route="\/v1\/parts\/trace",status="202"\} 1/);
    assert.match(res.body, /airlock_ingress_requests_total\{route="\/v1\/parts\/trace",status="422"\} 1/);
    assert.match(res.body, /airlock_ingress_rejections_total\{code="SCHEMA_VIOLATION"\} 1/);
    // One transaction per request: the batch's two records are published together.
    assert.match(res.body, /airlock_ingress_publish_seconds_count 2/);
    assert.match(res.body, /airlock_ingress_batch_records_count 1/);
  });
});

describe('ingress: a rule that throws (issue #12 §16)', () => {
  it('refuses the record 422 RULE_ERROR naming the rule, publishes nothing, and counts it', async () => {
    await whileRuleThrows('TRACE-DATE-1', async () => {
      const { app, published } = setup();
      const res = await app.inject(post({}));
      assert.equal(res.statusCode, 422, res.body);
      const problem = res.json() as { code: string; errors: { rule: string; code?: string }[] };
      assert.equal(problem.code, 'RULE_ERROR');
      assert.deepEqual(
        problem.errors.map((e) => e.rule),
        ['TRACE-DATE-1'],
      );
      assert.equal(published.length, 0);
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.body, /airlock_ingress_rule_errors_total\{rule="TRACE-DATE-1"\} 1/);
    });
  });
});

describe('ingress: excessive nesting', () => {
  it('a body nested deeper than 32 levels is 400 before it is parsed; a deep NDJSON line fails alone', async () => {
    const { app, published } = setup();
    const deep = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    const res = await app.inject(post({}, deep));
    assert.equal(res.statusCode, 400, res.body);
    assert.match((res.json() as { detail: string }).detail, /nests deeper than 32/);
    const batch = await app.inject(
      post({ 'content-type': 'application/x-ndjson' }, `${JSON.stringify(sampleRecord())}\n${deep}\n`),
    );
    assert.equal(batch.statusCode, 207);
    assert.deepEqual(
      (batch.json() as { results: { status: number }[] }).results.map((r) => r.status),
      [202, 400],
    );
    assert.equal(published.length, 1);
  });

  it('jsonTextProblem counts brackets outside strings only', () => {
    assert.equal(
      jsonTextProblem(JSON.stringify({ a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' })),
      undefined,
    );
    assert.equal(jsonTextProblem(JSON.stringify({ a: '\\"[[[[' })), undefined);
    assert.match(jsonTextProblem('[[[]]]', 2) ?? '', /deeper than 2/);
    assert.equal(jsonTextProblem('[[]]', 2), undefined);
  });
});

describe('ingress: health', () => {
  it('live is always 200; ready reflects its checks', async () => {
    const { app } = setup();
    assert.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', checks: { kafka: 'up' } });
  });
});

describe('ingress: POST /v1/logbook', () => {
  const example = (name: string) =>
    readFileSync(new URL(`../../../avro/examples/logbook-entry/valid/${name}`, import.meta.url), 'utf8');
  const log = (payload: string, registration: string) => ({
    method: 'POST' as const,
    url: '/v1/logbook',
    headers: {
      'content-type': 'application/json',
      'x-maintenance-context': contextHeader(sampleContext(registration)),
    },
    payload,
  });

  it('an EASA CRS and an FAA inspection entry are accepted and published on the logbook route', async () => {
    const { app, published } = setup();
    for (const [file, registration] of [
      ['crs-easa.json', 'D-AIBL'],
      ['annual-inspection-faa.json', 'N123AZ'],
    ] as const) {
      const res = await app.inject(log(example(file), registration));
      assert.equal(res.statusCode, 202, res.body);
    }
    assert.deepEqual(
      published.map((r) => [r.key, r.headers[Header.route]]),
      [
        ['D-AIBL', 'logbook'],
        ['N123AZ', 'logbook'],
      ],
    );
  });

  it('422 with the rule ids: a CRS without statement (EASA), a major repair without Form 337 (FAA)', async () => {
    const { app, published } = setup();
    const crs = JSON.parse(example('crs-easa.json'));
    crs.crs.statement = null;
    const easa = await app.inject(log(JSON.stringify(crs), 'D-AIBL'));
    assert.equal(easa.statusCode, 422);
    assert.deepEqual(
      (easa.json() as { errors: { rule: string; path: string }[] }).errors.map((e) => [e.rule, e.path]),
      [['EASA-CRS-CONTENT', '/crs/statement']],
    );
    const faa = JSON.parse(example('maintenance-faa.json'));
    faa.work_class = 'MAJOR_REPAIR';
    const res = await app.inject(log(JSON.stringify(faa), 'N123AZ'));
    assert.equal(res.statusCode, 422);
    assert.deepEqual(
      (res.json() as { errors: { rule: string }[] }).errors.map((e) => e.rule),
      ['FAA-43.9-d'],
    );
    assert.equal(published.length, 0);
  });

  it('422 when the entry names another aircraft than its maintenance context (TRACE-REG-1)', async () => {
    const { app } = setup();
    const res = await app.inject(log(example('crs-easa.json'), 'D-AIBA'));
    assert.equal(res.statusCode, 422);
    assert.ok((res.json() as { errors: { rule: string }[] }).errors.some((e) => e.rule === 'TRACE-REG-1'));
  });
});
