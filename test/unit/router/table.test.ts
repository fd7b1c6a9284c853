import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../core/config/load.ts';
import { toDlq } from '../../../core/consumer/dead-letter.ts';
import { loadContract } from '../../../core/contract.ts';
import { ErrorHeader } from '../../../core/headers.ts';
import { childTraceparent, newTraceparent } from '../../../core/trace.ts';
import {
  defaultRoutingSpec,
  matchDestinations,
  parseRoutingTable,
  RoutingTableError,
} from '../../../router/table.ts';

const config = loadConfig(
  {
    AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
    AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
    AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
    AIRLOCK_TOPIC_PARTS_TRACE: 'x.parts',
  },
  'ingress',
);

describe('router: routing table', () => {
  const contracts = loadContract();
  const table = (spec: unknown) => parseRoutingTable(spec, config, contracts);
  const envelope = (payload: Record<string, unknown>, ruleSet = 'EASA') => ({
    route: 'parts-trace',
    rule_set: ruleSet,
    payload: { installation_status: 'installed', life_limited: false, ...payload },
  });
  const llpRemovals = {
    name: 'llp-removals-to-audit',
    match: {
      route: 'parts-trace',
      ruleSet: ['FAA', 'EASA'],
      fields: { '/payload/installation_status': ['removed'], '/payload/life_limited': [true] },
    },
    to: ['complianceAudit'],
  };

  it('the default sends parts-trace to the configured parts-trace topic', () => {
    assert.deepEqual(matchDestinations(table(defaultRoutingSpec()), envelope({})), ['x.parts']);
  });

  it('fans out: a removed life-limited part also goes to the compliance store, by rule set and fields', () => {
    const t = table([...defaultRoutingSpec(), llpRemovals]);
    assert.deepEqual(matchDestinations(t, envelope({ installation_status: 'removed', life_limited: true })), [
      'x.parts',
      'airlock.compliance-audit.v1',
    ]);
    assert.deepEqual(
      matchDestinations(t, envelope({ installation_status: 'removed', life_limited: false })),
      ['x.parts'],
    );
    assert.deepEqual(
      matchDestinations(t, envelope({ installation_status: 'removed', life_limited: true }, 'UK_CAA')),
      ['x.parts'],
    );
  });

  it('matches nothing for an unknown route (→ DLQ)', () => {
    assert.deepEqual(matchDestinations(table(defaultRoutingSpec()), { route: 'cargo' }), []);
  });

  const refused: [string, unknown, RegExp][] = [
    ['an unknown destination', [{ name: 'a', match: { route: 'parts-trace' }, to: ['warehouse'] }], /to\.0/],
    ['an unknown route', [{ name: 'a', match: { route: 'cargo' }, to: ['partsTrace'] }], /match\.route/],
    [
      'an unknown key',
      [{ name: 'a', match: { route: 'parts-trace' }, to: ['partsTrace'], when: 1 }],
      /Unrecognized key/,
    ],
    [
      'a field the envelope does not have',
      [{ ...llpRemovals, match: { route: 'parts-trace', fields: { '/payload/colour': ['red'] } } }],
      /unreachable, \/payload\/colour/,
    ],
    [
      'a value the field can never take',
      [
        {
          ...llpRemovals,
          match: { route: 'parts-trace', fields: { '/payload/installation_status': ['overhauled'] } },
        },
      ],
      /can never be "overhauled"/,
    ],
    ['a duplicate rule', [llpRemovals, { ...llpRemovals, name: 'again' }], /duplicate rule/],
    [
      'a duplicate name',
      [...defaultRoutingSpec(), { ...llpRemovals, name: 'parts-trace-default' }],
      /duplicate rule name/,
    ],
    ['an empty table', [], /\(table\)/],
  ];
  for (const [what, spec, message] of refused) {
    it(`refuses ${what}, with the reason`, () => {
      assert.throws(
        () => table(spec),
        (err: unknown) => err instanceof RoutingTableError && message.test(err.message),
      );
    });
  }
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
