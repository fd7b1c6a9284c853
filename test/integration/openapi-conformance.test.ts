/**
 * The live ingress answers as its OpenAPI document says (issue #15 §1): schemathesis (PyPI, not
 * ours) generates requests from docs/openapi.json — the examples, the coverage phase's boundary and
 * invalid values, and bounded fuzzing — and sends them over mutual TLS with a valid token and
 * maintenance context to a real ingress on the real Kafka and Redis. Every answer must have a
 * documented status, content type and body schema; an undocumented 5xx fails the run.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { contextHeader, sampleContext } from '../../scripts/lib/sample.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { tokenFor } from '../support/https.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { HOW_TO_START, type Services, services } from '../support/services.ts';

describe('the ingress against its OpenAPI document (schemathesis, real stack)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    // One role that may call every route, so that every operation is reached past the role check.
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_INGRESS_ROLE_ROUTES:
        '{"certifying_staff":["logbook","parts-trace","compliance-audit","measurements"]}',
      AIRLOCK_INGRESS_ACCESS_LOG: 'false',
      // Generated requests come fast from one identity: the limiter stays in the path, not in the way.
      AIRLOCK_INGRESS_RATE_LIMITS: '{"*":{"limit":100000000,"windowMs":1000}}',
    });
  });
  after(async () => {
    await p?.stop();
  });

  it('every answer to generated requests has a documented status, content type and schema', async () => {
    const bin = `${(s.python ?? `${ROOT}.stack/python/bin/python`).replace(/python$/, '')}schemathesis`;
    assert.ok(existsSync(bin), `schemathesis is not installed at ${bin}. ${HOW_TO_START}`);
    const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 3600 });
    // Asynchronously: a synchronous spawn would stop this process from reading the ingress's log
    // pipe, and the ingress would block on a full pipe (seen: every request timed out after ~60).
    const child = spawn(
      bin,
      [
        'run',
        `${ROOT}docs/openapi.json`,
        '--url',
        p.url,
        '--request-cert',
        `${p.pki}/client-certifying_staff.crt`,
        '--request-cert-key',
        `${p.pki}/client-certifying_staff.key`,
        '--tls-verify',
        `${p.pki}/ca.crt`,
        '-H',
        `Authorization: Bearer ${token}`,
        '-H',
        `x-maintenance-context: ${contextHeader(sampleContext())}`,
        '--checks',
        'status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance',
        '--phases',
        'examples,coverage,fuzzing',
        '--max-examples',
        '15',
        '--seed',
        '20261202',
        '--request-timeout',
        '30',
        '--no-color',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(status, 0, `schemathesis found answers that break docs/openapi.json:\n${out.slice(-12000)}`);
    assert.match(out, /passed/, out.slice(-2000));
  });
});
