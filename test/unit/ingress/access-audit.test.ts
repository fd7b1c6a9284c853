/**
 * The access audit trail's decisions and their redaction (ingress/access-audit.ts), through
 * fastify's inject(): what a decision holds, that an answer waits for its decision to be written,
 * and that a write that fails is counted, not hidden. Kafka itself: test/integration/access-audit.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AccessAudit, type AccessDecision, clientNetwork } from '../../../ingress/access-audit.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../../scripts/lib/sample.ts';
import { testIngress } from '../../support/ingress-app.ts';

/** Records every decision; each write settles when the test says so (or at once). */
function recorder(mode: 'at-once' | 'held' | 'failing' = 'at-once') {
  const decisions: AccessDecision[] = [];
  const held: (() => void)[] = [];
  const audit: AccessAudit = {
    record: (d) => {
      decisions.push(d);
      if (mode === 'failing') return Promise.reject(new Error('broker gone'));
      if (mode === 'held') return new Promise<void>((resolve) => held.push(resolve));
      return Promise.resolve();
    },
    close: async () => undefined,
  };
  const release = () => {
    for (const r of held.splice(0)) r();
  };
  return { audit, decisions, release };
}

const context = sampleContext();
const post = (headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/v1/parts/trace',
  headers: {
    'content-type': 'application/json',
    'x-maintenance-context': contextHeader(context),
    ...headers,
  },
  payload: JSON.stringify(sampleRecord()),
});

describe('access audit trail (ingress/access-audit.ts)', () => {
  it('an allowed request: who, which route, its context’s aircraft and work order — never the badge hash, the body or a header', async () => {
    const r = recorder();
    const { app } = testIngress({ accessAudit: r.audit });
    const res = await app.inject(
      post({ authorization: 'Bearer secret-token-value', 'idempotency-key': 'k-77' }),
    );
    assert.equal(res.statusCode, 202);
    assert.equal(r.decisions.length, 1);
    const [d] = r.decisions;
    assert.ok(d);
    assert.equal(d.outcome, 'allowed');
    assert.equal(d.status, null);
    assert.equal(d.reason_code, null);
    assert.equal(d.route, '/v1/parts/trace');
    assert.equal(d.method, 'POST');
    assert.equal(d.trace_id, (res.json() as { trace_id: string }).trace_id);
    assert.equal(d.subject, 'dev-insecure');
    assert.equal(d.instance, 'test-ingress');
    assert.equal(d.aircraft_registration, context.aircraft_registration);
    assert.equal(d.work_order_id, context.work_order_id);
    const text = JSON.stringify(d);
    for (const secret of [
      context.technician_badge_hash,
      'secret-token-value',
      'k-77',
      sampleRecord().serial_number,
    ])
      assert.ok(!text.includes(String(secret)), `the decision holds ${secret}`);
    // Only the schema's fields, nothing copied from the request.
    assert.deepEqual(Object.keys(d).sort(), [
      'aircraft_registration',
      'at',
      'client_address',
      'client_cert_sha256',
      'instance',
      'issuer',
      'method',
      'otel_trace_id',
      'outcome',
      'reason_code',
      'role',
      'route',
      'stage',
      'status',
      'subject',
      'tenant',
      'trace_id',
      'work_order_id',
    ]);
  });

  it('a refusal: its status and code, no context of it; probes and scrapes are not access decisions', async () => {
    const r = recorder();
    const { app } = testIngress({ accessAudit: r.audit });
    const res = await app.inject({ ...post(), headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 403);
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(r.decisions.length, 1);
    const [d] = r.decisions;
    assert.equal(d?.outcome, 'denied');
    assert.equal(d?.status, 403);
    assert.equal(d?.reason_code, 'CONTEXT_INVALID');
    assert.equal(d?.aircraft_registration, null);
  });

  it('an answer waits until its decision is written', async () => {
    const r = recorder('held');
    const { app } = testIngress({ accessAudit: r.audit });
    let answered = false;
    const pending = app.inject(post()).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(r.decisions.length, 1, 'the write started at the decision');
    assert.equal(answered, false, 'answered before its decision was written');
    r.release();
    assert.equal((await pending).statusCode, 202);
  });

  it('a write that fails does not hold the answer and is counted', async () => {
    const r = recorder('failing');
    const { app } = testIngress({ accessAudit: r.audit });
    assert.equal((await app.inject(post())).statusCode, 202);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /airlock_ingress_access_audit_failures_total\{reason="failed"\} 1/);
  });

  it('a write later than AIRLOCK_ACCESS_AUDIT_WAIT_MS: answered anyway, counted late', async () => {
    const r = recorder('held');
    const { app } = testIngress({ accessAudit: r.audit, env: { AIRLOCK_ACCESS_AUDIT_WAIT_MS: '50' } });
    assert.equal((await app.inject(post())).statusCode, 202);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /airlock_ingress_access_audit_failures_total\{reason="late"\} 1/);
    r.release();
  });

  it('the peer’s network, not its address', () => {
    assert.equal(clientNetwork('192.0.2.77'), '192.0.2.0/24');
    assert.equal(clientNetwork('::ffff:198.51.100.9'), '198.51.100.0/24');
    assert.equal(clientNetwork('2001:db8:85a3:8d3:1319:8a2e:370:7348'), '2001:db8:85a3::/48');
    assert.equal(clientNetwork('2001:db8::1'), '2001:db8:0::/48');
    assert.equal(clientNetwork('::1'), '0:0:0::/48');
    assert.equal(clientNetwork(undefined), null);
    assert.equal(clientNetwork('not an address'), null);
  });
});
