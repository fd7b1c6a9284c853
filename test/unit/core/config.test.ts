import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ENV_VARS, FILE_ENV, RENAMED_ENV } from '../../../core/config/env.ts';
import { ConfigError, loadConfig } from '../../../core/config/load.ts';

const minimal = {
  AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
  AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
};

function problemsOf(env: Record<string, string>, stage: 'ingress' | 'edge' = 'ingress'): string[] {
  try {
    loadConfig(env, stage);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('fills defaults and freezes the result', () => {
    const c = loadConfig(minimal, 'ingress');
    assert.deepEqual(c.kafka.brokers, ['127.0.0.1:9092']);
    assert.equal(c.topics.ingress, 'airlock.ingress.v1');
    assert.equal(c.topics.partsTrace, 'airlock.parts-trace.v1');
    assert.equal(c.topics.replicationFactor, -1);
    assert.equal(c.ingress.port, 8080);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.kafka) && Object.isFrozen(c.kafka.brokers));
  });

  it('parses lists, integers and booleans from the environment', () => {
    const c = loadConfig(
      {
        ...minimal,
        AIRLOCK_KAFKA_BROKERS: 'a:1, b:2',
        AIRLOCK_TOPIC_PARTITIONS: '6',
        AIRLOCK_TOPIC_PROVISION: 'false',
      },
      'ingress',
    );
    assert.deepEqual(c.kafka.brokers, ['a:1', 'b:2']);
    assert.equal(c.topics.partitions, 6);
    assert.equal(c.topics.provision, false);
  });

  it('names the environment variable of a missing required setting', () => {
    const problems = problemsOf({
      AIRLOCK_REGISTRY_URL: minimal.AIRLOCK_REGISTRY_URL,
      AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
    });
    assert.ok(
      problems.some((p) => p.startsWith('AIRLOCK_KAFKA_BROKERS: required')),
      problems.join('\n'),
    );
  });

  it('the edge station needs no Kafka or registry, and names what it does need', () => {
    const problems = problemsOf({}, 'edge');
    assert.ok(!problems.some((p) => p.includes('AIRLOCK_KAFKA_BROKERS')), problems.join('\n'));
    assert.ok(!problems.some((p) => p.includes('AIRLOCK_REGISTRY_URL')), problems.join('\n'));
    for (const name of ['AIRLOCK_EDGE_STATION_ID', 'AIRLOCK_EDGE_DATA_KEY_FILE', 'AIRLOCK_EDGE_CENTRAL_URL'])
      assert.ok(
        problems.some((p) => p.startsWith(`${name}: required by the edge station`)),
        name,
      );
  });

  it('rejects an unknown AIRLOCK_ variable by name (a typo must not be ignored)', () => {
    const problems = problemsOf({ ...minimal, AIRLOCK_KAFKA_BROKER: 'x:1' });
    assert.ok(
      problems.some((p) => p.startsWith('AIRLOCK_KAFKA_BROKER: unknown setting')),
      problems.join('\n'),
    );
  });

  it('names the new setting when an old, renamed one is set', () => {
    const problems = problemsOf({ ...minimal, AIRLOCK_INGRESS_MAX_BATCH_ITEMS: '10' });
    assert.ok(
      problems.includes(
        'AIRLOCK_INGRESS_MAX_BATCH_ITEMS: renamed to AIRLOCK_INGRESS_MAX_RECORDS_PER_REQUEST; set that instead',
      ),
      problems.join('\n'),
    );
  });

  it('leaves the stack, test and node bootstrap variables alone', () => {
    assert.doesNotThrow(() =>
      loadConfig({ ...minimal, AIRLOCK_STACK_DIR: '/tmp/x', AIRLOCK_TEST_SERVICES: 'stack' }, 'ingress'),
    );
  });

  it('reports a malformed integer and a malformed broker address', () => {
    const problems = problemsOf({
      ...minimal,
      AIRLOCK_INGRESS_PORT: '80a',
      AIRLOCK_KAFKA_BROKERS: 'nohostport',
    });
    assert.ok(
      problems.some((p) => p.startsWith('AIRLOCK_INGRESS_PORT: expected an integer')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('AIRLOCK_KAFKA_BROKERS (kafka.brokers.0)')),
      problems.join('\n'),
    );
  });

  it('defaults the ingress to mtls-jwt and names every TLS and JWT setting it then needs', () => {
    const { AIRLOCK_INGRESS_AUTH_MODE: _, ...noAuth } = minimal;
    const problems = problemsOf(noAuth);
    for (const name of [
      'AIRLOCK_TLS_CERT_FILE',
      'AIRLOCK_TLS_KEY_FILE',
      'AIRLOCK_TLS_CLIENT_CA_FILE',
      'AIRLOCK_JWT_ISSUER',
      'AIRLOCK_JWT_AUDIENCE',
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(name)),
        `${name} not named:\n${problems.join('\n')}`,
      );
    }
    assert.ok(
      problems.some((p) => p.includes('exactly one is required')),
      problems.join('\n'),
    );
    const complete = {
      ...noAuth,
      AIRLOCK_TLS_CERT_FILE: '/pki/server.crt',
      AIRLOCK_TLS_KEY_FILE: '/pki/server.key',
      AIRLOCK_TLS_CLIENT_CA_FILE: '/pki/ca.crt',
      AIRLOCK_JWT_ISSUER: 'https://idp.example/',
      AIRLOCK_JWT_AUDIENCE: 'airlock-ingress',
      AIRLOCK_JWT_JWKS_URL: 'https://idp.example/jwks',
    };
    const c = loadConfig(complete, 'ingress');
    assert.equal(c.ingress.authMode, 'mtls-jwt');
    assert.deepEqual(c.ingress.roleRoutes.certifying_staff, ['logbook', 'parts-trace', 'measurements']);
    assert.deepEqual(c.ingress.roleRoutes.fleet_ops, []);
    assert.ok(
      problemsOf({ ...complete, AIRLOCK_JWT_CLOCK_TOLERANCE_S: '120' }).some((p) =>
        p.startsWith('AIRLOCK_JWT_CLOCK_TOLERANCE_S'),
      ),
    );
    // Issue #12 §5: the token keys over TLS only; plain http only on loopback, behind a switch.
    const http = { ...complete, AIRLOCK_JWT_JWKS_URL: 'http://idp.example/jwks' };
    assert.ok(problemsOf(http).some((p) => p.startsWith('AIRLOCK_JWT_JWKS_URL: must be https')));
    assert.ok(
      problemsOf({ ...http, AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true' }).some((p) =>
        p.startsWith('AIRLOCK_JWT_JWKS_URL: must be https'),
      ),
      'not on a non-loopback host, even with the switch',
    );
    const loopback = { ...complete, AIRLOCK_JWT_JWKS_URL: 'http://127.0.0.1:9000/jwks' };
    assert.ok(problemsOf(loopback).some((p) => p.startsWith('AIRLOCK_JWT_JWKS_URL: must be https')));
    assert.doesNotThrow(() =>
      loadConfig({ ...loopback, AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true' }, 'ingress'),
    );
    // The consumers have no HTTP surface and need no auth mode.
    assert.doesNotThrow(() => loadConfig(noAuth, 'validators'));
    assert.doesNotThrow(() => loadConfig(noAuth, 'router'));
  });

  it('refuses dev-insecure on a non-loopback address', () => {
    const problems = problemsOf({ ...minimal, AIRLOCK_INGRESS_HOST: '0.0.0.0' });
    assert.ok(
      problems.some((p) => p.includes('loopback only')),
      problems.join('\n'),
    );
    assert.doesNotThrow(() =>
      loadConfig(
        {
          ...minimal,
          AIRLOCK_INGRESS_HOST: '0.0.0.0',
          AIRLOCK_INGRESS_DEV_INSECURE_ALLOW_NETWORK: 'true',
        },
        'ingress',
      ),
    );
  });

  it('docs/configuration.md gives each variable’s path in airlock.yaml, and each path is the one loaded', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| `(AIRLOCK_[A-Z0-9_]+)`<br>`([^`]+)` \|/gm)].map((m) => [m[1], m[2]]),
    );
    for (const [name, spec] of Object.entries(ENV_VARS))
      assert.equal(
        rows.get(name),
        spec.path.join('.'),
        `${name}: its row should say <br>\`${spec.path.join('.')}\``,
      );
  });

  it('docs/configuration.md documents every variable, and no variable that does not exist', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const documented = new Set(doc.match(/AIRLOCK_[A-Z0-9_]+/g) ?? []);
    for (const name of Object.keys(ENV_VARS)) assert.ok(documented.has(name), `${name} is not documented`);
    const reserved = /^AIRLOCK_(STACK|TEST|NODE|CACHE|CLUSTER)_/;
    for (const name of documented) {
      assert.ok(
        name in ENV_VARS ||
          name in RENAMED_ENV ||
          (FILE_ENV as readonly string[]).includes(name) ||
          reserved.test(name),
        `docs/configuration.md names ${name}, which does not exist`,
      );
    }
  });
});
