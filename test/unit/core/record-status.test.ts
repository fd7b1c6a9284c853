import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromOutputs, inStageOrder } from '../../../core/record-status/status.ts';
import type { Authenticator } from '../../../ingress/identity.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../../scripts/lib/sample.ts';
import { testIngress } from '../../support/ingress-app.ts';

const out = (topic: string, trace: string, extra: Record<string, string> = {}) => ({
  topic,
  message: { key: 'D-AIBL', value: 'x', headers: { 'airlock-trace-id': trace, ...extra } },
});

/** A sample parts-trace record, posted. */
const postSample = (headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/v1/parts/trace',
  headers: {
    'content-type': 'application/json',
    'x-maintenance-context': contextHeader(sampleContext()),
    ...headers,
  },
  payload: JSON.stringify(sampleRecord()),
});

describe('record status', () => {
  it('turns committed outputs into one event per trace id: routed (all topics) or rejected (code, rules)', () => {
    const events = eventsFromOutputs(
      'router',
      [
        out('a.parts', 't1'),
        out('a.audit', 't1'),
        out('a.dlq', 't2', { 'airlock-error-code': 'NO_ROUTE_MATCH', 'airlock-error-rule-ids': 'ROUTING' }),
      ],
      'a.dlq',
      'T',
    );
    assert.deepEqual(events.get('t1'), {
      stage: 'router',
      state: 'routed',
      at: 'T',
      topics: ['a.parts', 'a.audit'],
    });
    assert.deepEqual(events.get('t2'), {
      stage: 'router',
      state: 'rejected',
      at: 'T',
      code: 'NO_ROUTE_MATCH',
      rules: ['ROUTING'],
    });
  });

  it('puts events back in stage order, whatever order the stages wrote them in', () => {
    const ordered = inStageOrder([
      { stage: 'router', state: 'routed', at: '2' },
      { stage: 'ingress', state: 'accepted', at: '3' },
      { stage: 'validators', state: 'validated', at: '1' },
    ]);
    assert.deepEqual(
      ordered.map((x) => x.stage),
      ['ingress', 'validators', 'router'],
    );
  });

  it('a replay is accepted by the DLQ replayer: its timeline starts there; a rejected record ends replayed', () => {
    const replay = inStageOrder([
      { stage: 'validators', state: 'validated', at: '1' },
      { stage: 'dlq-replayer', state: 'accepted', at: '2', replayOf: 'a' },
    ]);
    assert.deepEqual(
      replay.map((x) => [x.stage, x.state]),
      [
        ['dlq-replayer', 'accepted'],
        ['validators', 'validated'],
      ],
    );
    const original = inStageOrder([
      { stage: 'dlq-replayer', state: 'replayed', at: '1', replayedAs: 'b' },
      { stage: 'validators', state: 'rejected', at: '2' },
      { stage: 'ingress', state: 'accepted', at: '3' },
    ]);
    assert.deepEqual(
      original.map((x) => x.state),
      ['accepted', 'rejected', 'replayed'],
    );
  });

  it('GET /v1/records/{trace_id}: the sender sees "accepted"; an unknown or malformed id is 404', async () => {
    const { app } = testIngress();
    const res = await app.inject(postSample());
    const { trace_id } = res.json() as { trace_id: string };
    const status = await app.inject({ method: 'GET', url: `/v1/records/${trace_id}` });
    assert.equal(status.statusCode, 200);
    const body = status.json() as { trace_id: string; events: { stage: string; state: string }[] };
    assert.equal(body.trace_id, trace_id);
    assert.deepEqual(
      body.events.map((e) => [e.stage, e.state]),
      [['ingress', 'accepted']],
    );
    assert.equal(
      (await app.inject({ method: 'GET', url: `/v1/records/${crypto.randomUUID()}` })).statusCode,
      404,
    );
    assert.equal((await app.inject({ method: 'GET', url: '/v1/records/not-a-trace-id' })).statusCode, 404);
  });

  it('a reader of every record reads its own tenant’s only; the same subject of another issuer is another sender (issue #15)', async () => {
    /** The sender is named by a test header: issuer|subject|role|tenant. */
    const authenticate: Authenticator = async (req) => {
      const [issuer, subject = 'x', role = 'certifying_staff', tenant = 'default'] = String(
        req.headers['x-test-sender'],
      ).split('|');
      return { issuer, subject, role, tenant };
    };
    const { app } = testIngress({ authenticate });
    const res = await app.inject(
      postSample({ 'x-test-sender': 'https://a/|tablet-1|certifying_staff|airline-a' }),
    );
    assert.equal(res.statusCode, 202, res.body);
    const { trace_id } = res.json() as { trace_id: string };
    const read = async (sender: string) =>
      (
        await app.inject({
          method: 'GET',
          url: `/v1/records/${trace_id}`,
          headers: { 'x-test-sender': sender },
        })
      ).statusCode;
    assert.equal(await read('https://a/|tablet-1|certifying_staff|airline-a'), 200, 'its sender');
    assert.equal(await read('https://a/|auditor|compliance_auditor|airline-a'), 200, 'its tenant’s auditor');
    assert.equal(
      await read('https://b/|auditor|compliance_auditor|airline-b'),
      404,
      'another tenant’s auditor',
    );
    assert.equal(
      await read('https://b/|tablet-1|certifying_staff|airline-a'),
      404,
      'same sub, another issuer',
    );
  });
});
