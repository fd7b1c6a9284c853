/** router/route-record.ts: the router's decision for one envelope, without Kafka. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../core/config/load.ts';
import { loadContract } from '../../../core/contract.ts';
import { AirlockError } from '../../../core/errors.ts';
import { type ActiveTable, destinationKeys, routeRecord, schemaKey } from '../../../router/route-record.ts';
import { defaultRoutingSpec, parseRoutingTable } from '../../../router/table.ts';

const config = loadConfig(
  {
    AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
    AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
    AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
  },
  'router',
);
const contracts = loadContract();
const llpRemovals = {
  name: 'llp-removals-to-audit',
  match: { route: 'parts-trace', fields: { '/payload/life_limited': [true] } },
  to: ['complianceAudit', 'partsTrace'],
};
const rules = parseRoutingTable([...defaultRoutingSpec(), llpRemovals], config, contracts);
const served: ActiveTable = {
  rules,
  schemaIds: new Map([
    [schemaKey(config.topics.partsTrace, 'parts-trace'), 11],
    [schemaKey(config.topics.complianceAudit, 'parts-trace'), 12],
    [schemaKey(config.topics.logbook, 'logbook'), 21],
    [schemaKey(config.topics.complianceAudit, 'compliance-audit'), 31],
  ]),
  keys: destinationKeys(config),
};
const envelope = (route: string, payload: Record<string, unknown> = {}) => ({
  route,
  rule_set: 'EASA',
  maintenance_context: { aircraft_registration: 'D-AIBL' },
  payload: { part_number: '2314567-3', serial_number: 'SN12345K', ...payload },
});

describe('router: routeRecord (the decision for one record)', () => {
  it('routes a record to its destination with the schema id registered for that topic and route', () => {
    assert.deepEqual(routeRecord(served, envelope('logbook')), {
      kind: 'routed',
      route: 'logbook',
      destinations: [{ topic: config.topics.logbook, schemaId: 21, key: 'D-AIBL' }],
    });
  });

  it('fans out in table order, each destination once, each copy with its own schema id and its destination key', () => {
    const d = routeRecord(served, envelope('parts-trace', { life_limited: true }));
    assert.equal(d.kind, 'routed');
    assert.deepEqual(d.kind === 'routed' ? d.destinations : [], [
      // The parts ledger is keyed by the part; the compliance store by the aircraft (DESIGN.md "Records").
      { topic: config.topics.partsTrace, schemaId: 11, key: '2314567-3|SN12345K' },
      { topic: config.topics.complianceAudit, schemaId: 12, key: 'D-AIBL' },
    ]);
  });

  it('no matching rule: rejected as NO_ROUTE_MATCH with the ROUTING reason, for the DLQ', () => {
    const onlyLlp = parseRoutingTable([llpRemovals], config, contracts);
    assert.deepEqual(
      routeRecord({ ...served, rules: onlyLlp }, envelope('parts-trace', { life_limited: false })),
      {
        kind: 'rejected',
        code: 'NO_ROUTE_MATCH',
        reasons: [
          {
            code: 'NO_ROUTE_MATCH',
            rule: 'ROUTING',
            path: '/route',
            message: 'no routing rule matches this parts-trace record',
          },
        ],
      },
    );
  });

  it('a route Airlock does not know is rejected, not routed', () => {
    const d = routeRecord(served, envelope('cargo'));
    assert.equal(d.kind, 'rejected');
    assert.equal(d.kind === 'rejected' ? d.code : '', 'NO_ROUTE_MATCH');
  });

  it('a destination without a registered schema is an internal error (never a silent drop)', () => {
    const missing: ActiveTable = { rules, schemaIds: new Map(), keys: destinationKeys(config) };
    assert.throws(
      () => routeRecord(missing, envelope('logbook')),
      (err: unknown) => err instanceof AirlockError && err.code === 'INTERNAL' && !err.retriable,
    );
  });
});
