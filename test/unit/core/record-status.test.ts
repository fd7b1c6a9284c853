import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromOutputs, inStageOrder } from '../../../core/record-status/status.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../../scripts/lib/sample.ts';
import { testIngress } from '../../support/ingress-app.ts';

const out = (topic: string, trace: string, extra: Record<string, string> = {}) => ({
  topic,
  message: { key: 'D-AIBL', value: 'x', headers: { 'airlock-trace-id': trace, ...extra } },
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
    const res = await app.inject({
      method: 'POST',
      url: '/v1/parts/trace',
      headers: {
        'content-type': 'application/json',
        'x-maintenance-context': contextHeader(sampleContext()),
      },
      payload: JSON.stringify(sampleRecord()),
    });
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
});
