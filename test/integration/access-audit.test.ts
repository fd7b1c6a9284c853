/**
 * The access audit trail against the real stack (issue #16 §4): concurrent senders, allowed and
 * refused, then the ingress SIGKILLed the moment the last answer arrived. Every answered request's
 * decision is in airlock.access-audit (read_committed, Avro through the real registry): counted one
 * by one by its trace id, each with who, which certificate and why — and not one byte of a token,
 * a body or a badge hash anywhere in the topic.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../core/config/load.ts';
import { createRegistry, decodeRecord } from '../../core/registry.ts';
import type { AccessDecision } from '../../ingress/access-audit.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { type Answer, postRecord, tokenFor } from '../support/https.ts';
import { readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

describe('access audit trail: every decision in Kafka before its answer, none lost to a SIGKILL', () => {
  let s: Services;
  let p: Pipeline;

  before(async () => {
    s = await services();
    // Decisions gathered 250 ms per write: an answer that did not wait for its decision would be
    // out long before it is written, and the SIGKILL below would lose it.
    p = await startPipeline(s, ['ingress'], { AIRLOCK_ACCESS_AUDIT_LINGER_MS: '250' });
  });
  after(async () => {
    await p?.stop();
  });

  it('allowed, refused for each reason, then killed: one decision per answer, redacted', async () => {
    const staff = await tokenFor(p.pki, 'certifying_staff');
    const fleet = await tokenFor(p.pki, 'fleet_ops');
    const context = sampleContext();
    const ctx = contextHeader(context);
    const body = JSON.stringify(sampleRecord());
    type Sent = { expect: { outcome: string; code: string | null; role: string | null }; answer: Answer };
    const kinds: [number, () => Promise<Answer>, Sent['expect']][] = [
      [
        60,
        () => postRecord(p.pki, p.url, staff, { headers: { 'x-maintenance-context': ctx }, body }),
        { outcome: 'allowed', code: null, role: 'certifying_staff' },
      ],
      [
        10,
        () => postRecord(p.pki, p.url, 'not-a-token', { body }),
        { outcome: 'denied', code: 'UNAUTHENTICATED', role: null },
      ],
      [
        10,
        // fleet_ops may read, not write parts-trace records.
        () => postRecord(p.pki, p.url, fleet, { certRole: 'fleet_ops', body }),
        { outcome: 'denied', code: 'ROLE_FORBIDDEN', role: 'fleet_ops' },
      ],
      [
        10,
        () => postRecord(p.pki, p.url, staff, { headers: { 'x-maintenance-context': 'bad' }, body }),
        { outcome: 'denied', code: 'CONTEXT_INVALID', role: 'certifying_staff' },
      ],
    ];
    const jobs = kinds.flatMap(([n, send, expect]) => Array.from({ length: n }, () => ({ send, expect })));
    // Interleaved, eight in flight: decisions of every kind share the producer's batches.
    jobs.sort(() => Math.random() - 0.5);
    const sent: Sent[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          if (job) sent.push({ expect: job.expect, answer: await job.send() });
        }
      }),
    );
    // The moment the last answer arrived: nothing the ingress still held in memory survives this.
    await p.kill('ingress');
    for (const { expect, answer } of sent) {
      const want = { allowed: 202, UNAUTHENTICATED: 401, ROLE_FORBIDDEN: 403, CONTEXT_INVALID: 403 };
      assert.equal(answer.status, want[(expect.code ?? 'allowed') as keyof typeof want], answer.text);
    }

    const records = await readTopic(testKafka(s), p.topics.accessAudit, {
      expect: sent.length,
      settleMs: 1000,
    });
    assert.equal(records.length, sent.length, 'one decision per answered request');
    const registry = createRegistry(loadConfig(p.env, 'tool'));
    const decisions = new Map<string, AccessDecision>();
    for (const r of records) {
      const d = (await decodeRecord(registry, r.message.value)) as unknown as AccessDecision;
      assert.ok(!decisions.has(d.trace_id), `decision ${d.trace_id} twice`);
      decisions.set(d.trace_id, d);
    }
    const certSha = (role: string) =>
      createHash('sha256')
        .update(new X509Certificate(readFileSync(`${p.pki}/client-${role}.crt`)).raw)
        .digest('hex');
    for (const { expect, answer } of sent) {
      const traceId = answer.headers['x-trace-id'];
      assert.equal(typeof traceId, 'string');
      const d = decisions.get(traceId as string);
      assert.ok(d, `no decision for answered request ${traceId}`);
      assert.equal(d.outcome, expect.outcome);
      assert.equal(d.reason_code, expect.code);
      assert.equal(d.role, expect.role);
      assert.equal(d.subject, expect.role && `dev-${expect.role}`);
      assert.equal(d.status, expect.code ? answer.status : null);
      assert.equal(
        d.client_cert_sha256,
        certSha(expect.role === 'fleet_ops' ? 'fleet_ops' : 'certifying_staff'),
      );
      assert.equal(d.client_address, '127.0.0.0/24');
      assert.equal(d.route, '/v1/parts/trace');
      assert.equal(
        d.aircraft_registration,
        expect.outcome === 'allowed' ? context.aircraft_registration : null,
      );
    }
    // Redaction, on the bytes the topic holds: no token, no body, no badge hash.
    const bytes = Buffer.concat(records.map((r) => r.message.value ?? Buffer.alloc(0))).toString('latin1');
    for (const secret of [
      staff,
      fleet,
      staff.split('.')[2] ?? '',
      context.technician_badge_hash ?? '',
      body,
      '2314567-3',
    ])
      assert.ok(
        secret.length > 0 && !bytes.includes(secret),
        `the audit topic holds ${secret.slice(0, 20)}…`,
      );
  });
});
