import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../core/config.ts';
import { toDlq } from '../../core/dlq.ts';
import { ErrorHeader } from '../../core/headers.ts';
import { childTraceparent, newTraceparent } from '../../core/trace.ts';
import { defaultRoutingTable, routeRecord } from '../../router/routing.ts';

const config = loadConfig(
  {
    AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
    AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
    AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
    AIRLOCK_TOPIC_PARTS_TRACE: 'x.parts',
  },
  'ingress',
);

describe('router: default routing table', () => {
  it('sends parts-trace to the configured parts-trace topic', () => {
    assert.deepEqual(routeRecord(defaultRoutingTable(config), { route: 'parts-trace' }), ['x.parts']);
  });
  it('matches nothing for an unknown route', () => {
    assert.deepEqual(routeRecord(defaultRoutingTable(config), { route: 'cargo' }), []);
  });
});

describe('DLQ records', () => {
  it('keep key, value and original headers, and add machine-readable reasons with coordinates', () => {
    const input = {
      topic: 'in',
      partition: 2,
      message: {
        key: Buffer.from('D-AIBL'),
        value: Buffer.from('{}'),
        offset: '41',
        timestamp: '0',
        attributes: 0,
        headers: {},
      },
    };
    const reasons = [
      {
        code: 'SCHEMA_VIOLATION' as const,
        rule: 'AVRO-SCHEMA',
        path: '/serial_number',
        message: 'required field is missing',
      },
      {
        code: 'SCHEMA_VIOLATION' as const,
        rule: 'AVRO-SCHEMA',
        path: '/x',
        message: 'field is not in the schema',
      },
    ];
    const out = toDlq(
      'dlq',
      'validators',
      input,
      { 'airlock-trace-id': 't1' },
      { code: 'SCHEMA_VIOLATION', reasons },
      new Date(0),
    );
    const h = out.message.headers as Record<string, string>;
    assert.equal(out.topic, 'dlq');
    assert.equal(out.message.value, input.message.value);
    assert.equal(out.message.key, input.message.key);
    assert.equal(h['airlock-trace-id'], 't1');
    assert.equal(h[ErrorHeader.stage], 'validators');
    assert.equal(h[ErrorHeader.code], 'SCHEMA_VIOLATION');
    assert.equal(h[ErrorHeader.ruleIds], 'AVRO-SCHEMA');
    assert.deepEqual(JSON.parse(h[ErrorHeader.paths] ?? ''), ['/serial_number', '/x']);
    assert.deepEqual(JSON.parse(h[ErrorHeader.reasons] ?? ''), reasons);
    assert.equal(h[ErrorHeader.originalTopic], 'in');
    assert.equal(h[ErrorHeader.originalPartition], '2');
    assert.equal(h[ErrorHeader.originalOffset], '41');
    assert.equal(h[ErrorHeader.firstFailedAt], '1970-01-01T00:00:00.000Z');
  });
});

describe('W3C traceparent', () => {
  it('keeps the trace id and makes a new span', () => {
    const parent = newTraceparent();
    const child = childTraceparent(parent);
    assert.equal(child.split('-')[1], parent.split('-')[1]);
    assert.notEqual(child.split('-')[2], parent.split('-')[2]);
  });
  it('starts a new trace for a malformed or all-zero parent', () => {
    assert.match(childTraceparent('garbage'), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.notEqual(
      childTraceparent(`00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`).split('-')[1],
      '0'.repeat(32),
    );
  });
});
