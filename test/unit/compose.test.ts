/**
 * compose.yaml cannot run on a machine without Docker; this test keeps it honest: its services are
 * the real stack's, and every Airlock stage's environment passes the configuration schema.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ENV_VARS } from '../../core/config/env.ts';
import { loadConfig } from '../../core/config/load.ts';
import type { StageName } from '../../core/stage/names.ts';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ports?: string[];
}
const compose = parse(readFileSync(new URL('../../compose.yaml', import.meta.url), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, Service>;
};
const stages: StageName[] = ['ingress', 'validators', 'router'];

describe('compose.yaml', () => {
  it('runs Kafka, a schema registry, Redis, the three stages, Prometheus and Grafana, each with a health check', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [
      'grafana',
      'ingress',
      'kafka',
      'prometheus',
      'redis',
      'registry',
      'router',
      'validators',
    ]);
    for (const [name, svc] of Object.entries(compose.services)) {
      assert.ok(svc.healthcheck?.test, `${name} has no healthcheck`);
      // A check that cannot fail (e.g. only asking whether PID 1 exists) is not a health check.
      assert.doesNotMatch(
        svc.healthcheck.test.join(' '),
        /process\.kill\(1/,
        `${name}'s healthcheck cannot fail`,
      );
    }
    assert.match(compose.services.kafka?.image ?? '', /^apache\/kafka:3\.9\./);
    assert.match(compose.services.registry?.image ?? '', /^apicurio\/apicurio-registry:3\.0\.9$/);
  });

  for (const stage of stages) {
    it(`${stage}: its environment passes the configuration schema and points at the compose services`, () => {
      const svc = compose.services[stage];
      assert.ok(svc?.build, `${stage} is built from the Dockerfile`);
      assert.deepEqual(svc.command, ['node', `${stage}/main.ts`]);
      const env = svc.environment ?? {};
      for (const name of Object.keys(env)) assert.ok(name in ENV_VARS, `${stage}: unknown variable ${name}`);
      const config = loadConfig(env, stage);
      assert.deepEqual(config.kafka.brokers, ['kafka:9092']);
      assert.equal(new URL(config.registry.url ?? '').hostname, 'registry');
      assert.equal(new URL(config.redis.url ?? '').hostname, 'redis');
    });
  }

  it('publishes the ingress on the host loopback only (compose runs dev-insecure: no PKI is mounted into its containers)', () => {
    assert.deepEqual(compose.services.ingress?.ports, ['127.0.0.1:8080:8080']);
  });

  it('the Dockerfile is multi-stage and runs as a non-root user', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
    assert.match(dockerfile, /^USER node$/m);
  });
});
