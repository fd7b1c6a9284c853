/**
 * The measurements route end to end (issue #14 §4): a tool gateway's device identity (client
 * certificate + client-credentials token) posts a burst of readings as NDJSON; each valid reading
 * arrives once in the measurements topic, keyed by aircraft and decoded through the registry; a
 * reading by a tool whose calibration had expired goes to the DLQ with MEAS-CAL-1; a PASS outside
 * its specification is refused at the door (422 MEAS-SPEC-1) and published nowhere.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../core/config/load.ts';
import { ErrorHeader, Header } from '../../core/headers.ts';
import { createRegistry, decodeRecord } from '../../core/registry.ts';
import { publishReference } from '../../scripts/lib/ref-load.ts';
import { contextHeader, sampleContext } from '../../scripts/lib/sample.ts';
import { httpsCall, tokenFor } from '../support/https.ts';
import { committedCount, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const DAY = 86_400_000;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

/** Two torque wrenches of the test's own tool register: one calibrated, one due yesterday. */
const TOOLS = [
  {
    tool_id: 'TW-IT-1',
    tool_type: 'TORQUE_WRENCH',
    calibration_certificate_ref: 'CAL-IT-1-2026',
    calibrated_on: day(-100),
    calibration_due: day(265),
    withdrawn_at: null,
  },
  {
    tool_id: 'TW-IT-2',
    tool_type: 'TORQUE_WRENCH',
    calibration_certificate_ref: 'CAL-IT-2-2025',
    calibrated_on: day(-366),
    calibration_due: day(-1),
    withdrawn_at: null,
  },
];

function reading(tool: string, value: number, overrides: Record<string, unknown> = {}) {
  const t = TOOLS.find((x) => x.tool_id === tool);
  return {
    measurement_id: randomUUID(),
    aircraft_registration: 'D-AIBL',
    tool_id: tool,
    tool_type: 'TORQUE_WRENCH',
    calibration_certificate_ref: t?.calibration_certificate_ref ?? 'CAL-UNKNOWN',
    task_card_ref: 'TC-32-41-11-01/step-4',
    point_ref: 'MLG-L axle nut',
    value,
    unit: 'N.m',
    spec_min: 440,
    spec_max: 460,
    tool_result: value >= 440 && value <= 460 ? 'PASS' : 'FAIL',
    // A minute ago: TIME rules refuse readings from the future.
    measured_at: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
}

describe('measurements: a sensor fleet’s readings, end to end (real Kafka, registry, Redis)', () => {
  let s: Services;
  let p: Pipeline;

  before(async () => {
    s = await services();
    p = await startPipeline(
      s,
      ['ingress', 'validators', 'router'],
      {},
      {
        reference: (kafka, env) =>
          publishReference(
            kafka,
            env.AIRLOCK_TOPIC_REF_TOOLS ?? '',
            TOOLS.map((t) => ({ key: t.tool_id, value: t })),
          ),
      },
    );
  });
  after(async () => {
    await p?.stop();
  });

  const post = async (body: string, contentType: string, role = 'sensor') =>
    httpsCall(p.pki, `${p.url}/v1/measurements`, {
      method: 'POST',
      certRole: role,
      headers: {
        'content-type': contentType,
        'x-maintenance-context': contextHeader(sampleContext('D-AIBL')),
        // A device identity: a client-credentials token, bound to the gateway's certificate.
        authorization: `Bearer ${await tokenFor(p.pki, role, {
          subject: role === 'sensor' ? 'tool-gateway-hangar-3' : undefined,
          claims: role === 'sensor' ? { client_id: 'tool-gateway-hangar-3' } : {},
        })}`,
      },
      body,
    });

  it('a burst of readings as NDJSON: each valid one once in the measurements topic, decoded through the registry; an expired calibration in the DLQ with MEAS-CAL-1', async () => {
    const good = Array.from({ length: 24 }, (_, i) => reading('TW-IT-1', 438 + i));
    const expired = reading('TW-IT-2', 450);
    const res = await post(
      [...good, expired].map((r) => JSON.stringify(r)).join('\n'),
      'application/x-ndjson',
    );
    assert.equal(res.status, 207, res.text);
    const answer = res.json<{
      accepted: number;
      rejected: number;
      results: { status: number; trace_id?: string }[];
    }>();
    assert.equal(answer.accepted, 25, res.text);
    const traceIds = answer.results.map((r) => r.trace_id);

    const kafka = testKafka(s);
    const arrived = await readTopic(kafka, p.topics.measurements, { expect: 24, settleMs: 3000 });
    assert.equal(arrived.length, 24, p.output('validators'));
    assert.deepEqual(
      arrived.map((r) => r.headers[Header.traceId]).sort(),
      traceIds.slice(0, 24).sort(),
      'every valid reading once, none twice, not the expired tool’s',
    );
    assert.ok(
      arrived.every((r) => r.message.key?.toString() === 'D-AIBL'),
      'keyed by aircraft',
    );

    const config = loadConfig(p.env, 'tool');
    const registry = createRegistry(config);
    const byId = new Map<string, Record<string, unknown>>(good.map((g) => [g.measurement_id, g]));
    for (const r of arrived) {
      const v = (await decodeRecord(registry, r.message.value)) as {
        route: string;
        actor: { subject: string; role: string };
        payload: Record<string, unknown>;
      };
      assert.equal(v.route, 'measurements');
      assert.deepEqual(
        { subject: v.actor.subject, role: v.actor.role },
        {
          subject: 'tool-gateway-hangar-3',
          role: 'sensor',
        },
      );
      const sent = byId.get(String(v.payload.measurement_id));
      assert.ok(sent, 'a reading that was sent');
      for (const [field, value] of Object.entries(sent)) assert.deepEqual(v.payload[field], value, field);
    }

    const dlq = await readTopic(kafka, p.topics.dlq, { expect: 1 });
    assert.equal(dlq.length, 1, p.output('validators'));
    assert.equal(dlq[0]?.headers[Header.traceId], traceIds[24]);
    assert.deepEqual(dlq[0]?.headers[ErrorHeader.ruleIds]?.split(','), ['MEAS-CAL-1']);
  });

  it('a PASS outside its specification is refused at the door (422 MEAS-SPEC-1) and published nowhere', async () => {
    const before = await committedCount(testKafka(s), p.topics.ingress);
    const res = await post(
      JSON.stringify(reading('TW-IT-1', 470, { tool_result: 'PASS' })),
      'application/json',
    );
    assert.equal(res.status, 422, res.text);
    const problem = res.json<{ errors: { rule: string; path: string }[] }>();
    assert.ok(
      problem.errors.some((e) => e.rule === 'MEAS-SPEC-1'),
      res.text,
    );
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), before);
  });

  it('a role without the route is refused (403); certifying staff may post a reading', async () => {
    const refused = await post(
      JSON.stringify(reading('TW-IT-1', 450)),
      'application/json',
      'parts_traceability',
    );
    assert.equal(refused.status, 403, refused.text);
    const staff = await post(JSON.stringify(reading('TW-IT-1', 450)), 'application/json', 'certifying_staff');
    assert.equal(staff.status, 202, staff.text);
  });
});
