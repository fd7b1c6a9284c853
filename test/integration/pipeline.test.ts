/**
 * End to end against the real stack: HTTP → ingress topic → validators → router → destination
 * topic, each stage a real process. Counts records; decodes the destination record with Confluent's
 * own Python client; and sends an invalid record to the DLQ.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../core/config/load.ts';
import { ErrorHeader, Header } from '../../core/headers.ts';
import { createRegistry, decodeRecord } from '../../core/registry.ts';
import { eventSha256 } from '../../rules/history.ts';
import { contextHeader, sampleContext, sampleInstallation, sampleRecord } from '../../scripts/lib/sample.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { type Answer, httpsCall, tokenFor } from '../support/https.ts';
import { committedCount, edgeMessage, endOffset, readTopic, testKafka, uid } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { HOW_TO_START, type Services, services } from '../support/services.ts';

describe('pipeline end to end (real Kafka, registry, Redis)', () => {
  let s: Services;
  let p: Pipeline;

  before(async () => {
    s = await services();
    p = await startPipeline(s);
  });
  after(async () => {
    await p?.stop();
  });

  const post = async (body: unknown, context = sampleContext()) =>
    httpsCall(p.pki, `${p.url}/v1/parts/trace`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-maintenance-context': contextHeader(context),
        authorization: `Bearer ${await tokenFor(p.pki, 'certifying_staff')}`,
      },
      body: JSON.stringify(body),
    });

  it('a posted record arrives exactly once in the parts-trace topic, and Confluent’s Python client decodes it', async () => {
    // The sample part's installation: its first event, so no warning (the inspections sent later
    // in this file find it installed).
    const record = sampleInstallation();
    const context = sampleContext('D-AIBL');
    const res = await post(record, context);
    assert.equal(res.status, 202, res.text);
    const { trace_id } = res.json<{ trace_id: string }>();

    const kafka = testKafka(s);
    const arrived = await readTopic(kafka, p.topics.partsTrace, { expect: 1, settleMs: 3000 });
    assert.equal(
      arrived.length,
      1,
      `expected exactly one record in ${p.topics.partsTrace}\n${p.output('router')}`,
    );
    const [only] = arrived;
    assert.equal(only?.headers[Header.traceId], trace_id);
    // Keyed by the part (DESIGN.md "Records"): every event of one serialised part in one partition.
    assert.equal(only?.message.key?.toString(), '2314567-3|SN12345K');
    assert.equal(only?.message.value?.[0], 0, 'Confluent wire format: magic byte 0');

    // The ingress and validated topics hold it once too: nothing duplicated on the way.
    const admin = kafka.admin();
    await admin.connect();
    assert.equal(await committedCount(kafka, p.topics.ingress), 1);
    assert.equal(await endOffset(admin, p.topics.dlq), 0);
    await admin.disconnect();

    // An independent consumer nobody here wrote: confluent-kafka's AvroDeserializer + SchemaRegistryClient.
    const python = s.python ?? `${ROOT}.stack/python/bin/python`;
    assert.ok(existsSync(python), `Confluent's Python client is not installed at ${python}. ${HOW_TO_START}`);
    const run = spawnSync(
      python,
      [
        `${ROOT}test/interop/confluent_consume.py`,
        '--bootstrap',
        s.brokers.join(','),
        '--registry',
        s.registryUrl,
        '--topic',
        p.topics.partsTrace,
        '--group',
        `py-${uid()}`,
        '--count',
        '1',
        '--timeout',
        '60',
      ],
      { encoding: 'utf8', timeout: 90000 },
    );
    assert.equal(run.status, 0, `python consumer failed:\n${run.stderr}`);
    const decoded = JSON.parse(run.stdout.trim()) as {
      key: string;
      headers: Record<string, string>;
      value: Record<string, unknown> & { payload: Record<string, unknown> };
    };
    assert.equal(decoded.key, '2314567-3|SN12345K');
    assert.equal(decoded.headers[Header.traceId], trace_id);
    const v = decoded.value;
    assert.equal(v.trace_id, trace_id);
    assert.equal(v.source, 'http');
    assert.equal(v.route, 'parts-trace');
    assert.deepEqual(v.maintenance_context, context);
    const certPem = readFileSync(`${p.pki}/client-certifying_staff.crt`, 'utf8');
    const fingerprint = createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
    assert.deepEqual(v.actor, {
      subject: 'dev-certifying_staff',
      role: 'certifying_staff',
      client_cert_sha256: fingerprint,
      // A single-issuer ingress: the tenant is `default`, no issuer qualifies the subject.
      tenant: 'default',
      issuer: null,
    });
    assert.equal(decoded.headers[Header.clientCertSha256], fingerprint);
    assert.deepEqual(v.warnings, []);
    assert.equal(v.rule_set, 'EASA');
    assert.equal(v.rule_set_version, 'airlock-rules/2+env');
    const receivedAt = (v.received_at as { $datetime: string }).$datetime;
    assert.equal(Date.parse(receivedAt), Date.parse(decoded.headers[Header.receivedAt] ?? ''));
    // Field by field: every field sent arrives unchanged; every field not sent has its schema default.
    for (const [field, sent] of Object.entries(record)) assert.deepEqual(v.payload[field], sent, field);
    for (const field of [
      'batch_lot_code',
      'eligibility_doc_ref',
      'conformity_ref',
      'life_status',
      'disposition',
      'remarks',
    ]) {
      assert.equal(v.payload[field], null, field);
    }
    for (const field of ['standard_part', 'life_limited', 'temporary_same_product'])
      assert.equal(v.payload[field], false, field);
  });

  it('a logbook entry (EASA CRS) arrives once in the logbook topic, its rule set and warnings in the envelope', async () => {
    const entry = JSON.parse(readFileSync(`${ROOT}avro/examples/logbook-entry/valid/crs-easa.json`, 'utf8'));
    const res = await httpsCall(p.pki, `${p.url}/v1/logbook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-maintenance-context': contextHeader(sampleContext('D-AIBL')),
        authorization: `Bearer ${await tokenFor(p.pki, 'certifying_staff')}`,
      },
      body: JSON.stringify(entry),
    });
    assert.equal(res.status, 202, res.text);
    const { trace_id } = res.json<{ trace_id: string }>();
    const topic = p.env.AIRLOCK_TOPIC_LOGBOOK ?? '';
    const arrived = await readTopic(testKafka(s), topic, { expect: 1, settleMs: 2000 });
    assert.equal(arrived.length, 1, p.output('router'));
    assert.equal(arrived[0]?.headers[Header.traceId], trace_id);
    const envelope = await decodeRecord(
      createRegistry(loadConfig(p.env, 'tool')),
      arrived[0]?.message.value ?? null,
    );
    assert.equal(envelope.route, 'logbook');
    assert.equal(envelope.rule_set, 'EASA');
    assert.equal(
      (envelope.payload as { crs: { organisation_approval_ref: string } }).crs.organisation_approval_ref,
      'DE.145.0123',
    );
    // Completed 2025-03-14, received today: entered more than 30 days later (M.A.305-a, WARN).
    assert.deepEqual(
      (envelope.warnings as { rule: string }[]).map((w) => w.rule),
      ['EASA-M.A.305-a'],
    );
  });

  it('where is my record: the sender and the auditing roles see accepted → validated → routed; others get 404', async () => {
    const res = await post(sampleRecord());
    assert.equal(res.status, 202, res.text);
    const { trace_id } = res.json<{ trace_id: string }>();
    const statusAs = async (role: string) =>
      httpsCall(p.pki, `${p.url}/v1/records/${trace_id}`, {
        certRole: role,
        headers: { authorization: `Bearer ${await tokenFor(p.pki, role)}` },
      });
    let events: { stage: string; state: string; topics?: string[] }[] = [];
    // Each stage writes its events in batches of its own: wait until all three are in.
    for (let i = 0; i < 100 && events.length < 3; i++) {
      const answer = await statusAs('certifying_staff');
      if (answer.status === 200) events = answer.json<{ events: typeof events }>().events;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(
      events.map((e) => [e.stage, e.state]),
      [
        ['ingress', 'accepted'],
        ['validators', 'validated'],
        ['router', 'routed'],
      ],
    );
    assert.deepEqual(events[2]?.topics, [p.topics.partsTrace]);
    assert.equal((await statusAs('fleet_ops')).status, 200);
    assert.equal((await statusAs('compliance_auditor')).status, 200);
    const stranger = await statusAs('parts_traceability');
    assert.equal(stranger.status, 404, 'another sender may not learn that the record exists');
    const unknown = await httpsCall(p.pki, `${p.url}/v1/records/${crypto.randomUUID()}`, {
      headers: { authorization: `Bearer ${await tokenFor(p.pki, 'fleet_ops')}` },
      certRole: 'fleet_ops',
    });
    assert.equal(unknown.status, 404);
    assert.equal(stranger.json<{ code: string }>().code, 'NOT_FOUND');
    assert.equal(unknown.json<{ code: string }>().code, 'NOT_FOUND');
  });

  it('an invalid record on the ingress topic lands in the DLQ with its reasons, and nowhere else', async () => {
    const kafka = testKafka(s);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const traceId = crypto.randomUUID();
    const _context = sampleContext('N123AZ');
    const bad = { ...sampleRecord(), aircraft_registration: 'N123AZ', serial_number: 12345, colour: 'red' };
    await producer.send({
      topic: p.topics.ingress,
      acks: -1,
      messages: [edgeMessage(bad, 'N123AZ', traceId)],
    });
    await producer.disconnect();

    const dlq = await readTopic(kafka, p.topics.dlq, { expect: 1 });
    assert.equal(dlq.length, 1, p.output('validators'));
    const [rec] = dlq;
    assert.equal(rec?.headers[Header.traceId], traceId);
    assert.equal(rec?.message.value?.toString(), JSON.stringify(bad), 'the original record, unchanged');
    assert.equal(rec?.headers[ErrorHeader.stage], 'validators');
    assert.equal(rec?.headers[ErrorHeader.code], 'SCHEMA_VIOLATION');
    // The catalogue's rule where it names one (issue #12 §19), AVRO-SCHEMA for the unknown field.
    assert.deepEqual(rec?.headers[ErrorHeader.ruleIds]?.split(',').sort(), ['AVRO-SCHEMA', 'PART-ID-1']);
    assert.deepEqual(JSON.parse(rec?.headers[ErrorHeader.paths] ?? '[]').sort(), [
      '/colour',
      '/serial_number',
    ]);
    const reasons = JSON.parse(rec?.headers[ErrorHeader.reasons] ?? '[]') as {
      path: string;
      message: string;
    }[];
    assert.ok(reasons.every((r) => r.message.length > 0));
    assert.equal(rec?.headers[ErrorHeader.originalTopic], p.topics.ingress);
    assert.match(rec?.headers[ErrorHeader.originalOffset] ?? '', /^\d+$/);
    assert.match(rec?.headers[ErrorHeader.firstFailedAt] ?? '', /^\d{4}-\d\d-\d\dT/);

    // It reached neither the validated nor the destination topic: each still holds only the records
    // the earlier tests posted (two parts-trace records, one logbook entry).
    for (const [topic, before] of [
      [p.topics.validated, 3],
      [p.topics.partsTrace, 2],
    ] as const) {
      const records = await readTopic(kafka, topic, { expect: before, settleMs: 2000 });
      assert.equal(records.length, before, topic);
      assert.ok(
        records.every((r) => r.headers[Header.traceId] !== traceId),
        topic,
      );
    }
  });

  it('a record that breaks a recordkeeping rule lands in the DLQ with the rule ids (validators re-check what skips the ingress)', async () => {
    const kafka = testKafka(s);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const traceId = crypto.randomUUID();
    // EASA aircraft, installed without a Form 1 reference, in the future: TRACE-CERT-EASA and
    // TRACE-DATE-1. A part of its own, so that no earlier test's history judges it too.
    const bad = {
      ...sampleInstallation(),
      serial_number: 'SN12399',
      airworthiness_certificate_ref: null,
      installation_date: '2999-01-01T00:00:00Z',
    };
    await producer.send({
      topic: p.topics.ingress,
      acks: -1,
      messages: [edgeMessage(bad, 'D-AIBL', traceId)],
    });
    await producer.disconnect();
    const dlq = await readTopic(kafka, p.topics.dlq, { expect: 2 });
    const rec = dlq.find((r) => r.headers[Header.traceId] === traceId);
    assert.ok(rec, p.output('validators'));
    assert.equal(rec.headers[ErrorHeader.code], 'RULE_VIOLATION');
    assert.deepEqual((rec.headers[ErrorHeader.ruleIds] ?? '').split(',').sort(), [
      'TRACE-CERT-EASA',
      'TRACE-DATE-1',
    ]);
    assert.deepEqual(JSON.parse(rec.headers[ErrorHeader.paths] ?? '[]').sort(), [
      '/airworthiness_certificate_ref',
      '/installation_date',
    ]);
  });

  it('the order of checks over real HTTPS: every rejection has its status, and publishes nothing', async () => {
    const kafka = testKafka(s);
    const admin = kafka.admin();
    await admin.connect();
    const before = await endOffset(admin, p.topics.ingress);
    const good = await tokenFor(p.pki, 'certifying_staff');
    const [head, payload, sig] = good.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), role: 'compliance_auditor' })).toString('base64url')}.${sig}`;
    const ctx = contextHeader(sampleContext());
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify(sampleRecord());
    const call = (
      headers: Record<string, string | string[]>,
      opts: { body?: string; certRole?: string } = {},
    ) =>
      httpsCall(p.pki, `${p.url}/v1/parts/trace`, {
        method: 'POST',
        headers,
        body: opts.body ?? body,
        certRole: opts.certRole,
      });
    const cases: [string, Promise<Answer>, number, string][] = [
      ['no token', call({ ...json, 'x-maintenance-context': ctx }), 401, 'UNAUTHENTICATED'],
      [
        'two Authorization headers',
        call({ ...json, 'x-maintenance-context': ctx, authorization: [`Bearer ${good}`, `Bearer ${good}`] }),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'not a compact JWS',
        call({ ...json, 'x-maintenance-context': ctx, authorization: 'Bearer abc' }),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'tampered claims (forged)',
        call({ ...json, 'x-maintenance-context': ctx, authorization: `Bearer ${tampered}` }),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'expired',
        call({
          ...json,
          'x-maintenance-context': ctx,
          authorization: `Bearer ${await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: -120 })}`,
        }),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'bound to another certificate',
        call(
          { ...json, 'x-maintenance-context': ctx, authorization: `Bearer ${good}` },
          { certRole: 'parts_traceability' },
        ),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'role not allowed on the route',
        call(
          {
            ...json,
            'x-maintenance-context': ctx,
            authorization: `Bearer ${await tokenFor(p.pki, 'fleet_ops')}`,
          },
          { certRole: 'fleet_ops' },
        ),
        403,
        'ROLE_FORBIDDEN',
      ],
      ['no maintenance context', call({ ...json, authorization: `Bearer ${good}` }), 403, 'CONTEXT_INVALID'],
      [
        'two maintenance contexts',
        call({ ...json, 'x-maintenance-context': [ctx, ctx], authorization: `Bearer ${good}` }),
        403,
        'CONTEXT_INVALID',
      ],
      [
        'two Idempotency-Keys',
        call({
          ...json,
          'x-maintenance-context': ctx,
          authorization: `Bearer ${good}`,
          'idempotency-key': ['a', 'b'],
        }),
        400,
        'HEADER_INVALID',
      ],
      [
        'text/plain',
        call({ 'content-type': 'text/plain', 'x-maintenance-context': ctx, authorization: `Bearer ${good}` }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'too large',
        call(
          { ...json, 'x-maintenance-context': ctx, authorization: `Bearer ${good}` },
          { body: JSON.stringify({ ...sampleRecord(), remarks: 'x'.repeat(2_000_000) }) },
        ),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'malformed JSON',
        call({ ...json, 'x-maintenance-context': ctx, authorization: `Bearer ${good}` }, { body: '{"a":' }),
        400,
        'MALFORMED_JSON',
      ],
      ['schema violation', post({ ...sampleRecord(), serial_number: 1 }), 422, 'SCHEMA_VIOLATION'],
      [
        'rule violation',
        post({ ...sampleRecord(), airworthiness_certificate_ref: 'FAA--' }),
        422,
        'RULE_VIOLATION',
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      assert.equal(res.status, status, `${name}: ${res.text}`);
      assert.equal(res.json<{ code: string }>().code, code, name);
      // RFC 6750 §3.1: no credentials at all → a challenge without an error code (issue #12 §6).
      if (status === 401 && name === 'no token')
        assert.equal(String(res.headers['www-authenticate']), 'Bearer realm="airlock"', name);
      else if (status === 401)
        assert.match(String(res.headers['www-authenticate']), /^Bearer .*error="invalid_token"/, name);
    }
    // No client certificate: the TLS handshake fails; there is no HTTP answer at all.
    await assert.rejects(
      httpsCall(p.pki, `${p.url}/v1/parts/trace`, { method: 'POST', certRole: null, headers: json, body }),
    );
    assert.equal(await endOffset(admin, p.topics.ingress), before);
    await admin.disconnect();
  });

  it('a compliance-audit signature event arrives once in the compliance-audit topic, after its CREATE', async () => {
    const example = (name: string) =>
      readFileSync(`${ROOT}avro/examples/compliance-audit-event/valid/${name}.json`, 'utf8');
    const audit = async (body: string) => {
      const res = await httpsCall(p.pki, `${p.url}/v1/compliance/audit`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-maintenance-context': contextHeader(sampleContext('D-AIBL')),
          authorization: `Bearer ${await tokenFor(p.pki, 'compliance_auditor')}`,
        },
        certRole: 'compliance_auditor',
        body,
      });
      assert.equal(res.status, 202, res.text);
      return res.json<{ trace_id: string }>().trace_id;
    };
    // The signature names its record's CREATE in its chain (ESIG-INT-2): the CREATE comes first.
    const create = JSON.parse(example('sign-crs')) as Record<string, unknown>;
    Object.assign(create, {
      event_id: crypto.randomUUID(),
      action: 'CREATE',
      signature_meaning: null,
      occurred_at: '2025-05-31T09:00:00Z',
      prev_event_sha256: '0'.repeat(64),
    });
    await audit(JSON.stringify(create));
    const sign = { ...JSON.parse(example('sign-crs')), prev_event_sha256: eventSha256(create) };
    const signed = await audit(JSON.stringify(sign));
    const topic = p.env.AIRLOCK_TOPIC_COMPLIANCE_AUDIT ?? '';
    const all = await readTopic(testKafka(s), topic, { expect: 2, settleMs: 2000 });
    const arrived = all.filter((r) => r.headers[Header.traceId] === signed);
    assert.equal(all.length, 2, p.output('validators'));
    assert.equal(arrived.length, 1, p.output('validators'));
    const envelope = await decodeRecord(
      createRegistry(loadConfig(p.env, 'tool')),
      arrived[0]?.message.value ?? null,
    );
    assert.equal(envelope.route, 'compliance-audit');
    assert.equal((envelope.payload as { signature_meaning: string }).signature_meaning, 'CRS_ISSUED');
  });

  it('answers /health/ready with every dependency up', async () => {
    const res = await httpsCall(p.pki, `${p.url}/health/ready`);
    assert.equal(res.status, 200);
    // Load shedding (issue #15 §4) is shown beside readiness, never deciding it: idle, nothing shed.
    const { shedding, ...body } = res.json<{
      shedding?: { enabled: boolean; level: number; shedRoutes: string[] };
    }>();
    assert.deepEqual(
      { enabled: shedding?.enabled, level: shedding?.level, shedRoutes: shedding?.shedRoutes },
      { enabled: true, level: 0, shedRoutes: [] },
    );
    assert.deepEqual(body, {
      status: 'ready',
      checks: { kafka: 'up', registry: 'up', redis: 'up' },
      // The last TLS reload (none yet): shown, never deciding readiness (issue #12 §9).
      tls_reload: { last: 'ok' },
    });
  });

  it('the consumers answer /health/ready with their consumer up', async () => {
    for (const url of [p.health.validators, p.health.router]) {
      const res = await fetch(`${url}/health/ready`);
      assert.equal(res.status, 200, url);
      const body = (await res.json()) as { history?: { held: number[]; restoring: number[] } };
      // The validators also hold the history of the partitions they consumed (ADR 0008).
      if (url === p.health.validators) {
        assert.deepEqual(body.history?.restoring, []);
        assert.ok((body.history?.held.length ?? 0) > 0, JSON.stringify(body));
        delete body.history;
        assert.deepEqual(body, {
          status: 'ready',
          checks: { consumer: 'up', history: 'up' },
          outputs: 'closed',
        });
      } else assert.deepEqual(body, { status: 'ready', checks: { consumer: 'up' }, outputs: 'closed' });
      assert.equal((await fetch(`${url}/health/live`)).status, 200);
    }
  });

  it('every stage drains and exits 0 on SIGTERM', async () => {
    const codes = await p.stop();
    assert.deepEqual(codes, { ingress: 0, validators: 0, router: 0 }, JSON.stringify(codes));
  });
});
