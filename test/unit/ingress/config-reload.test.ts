/** Hot reload of airlock.yaml (ingress/config-reload.ts): what applies now, what waits for a restart. */
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../core/config/load.ts';
import { createLogger } from '../../../core/logger.ts';
import { changedPaths, planReload, watchConfigFile } from '../../../ingress/config-reload.ts';
import { until } from '../../support/wait.ts';

const yaml = (limit: number, extra = '') => `
kafka: { brokers: [127.0.0.1:9092] }
registry: { url: http://127.0.0.1:8081 }
ingress:
  authMode: dev-insecure
  tenantLimits: { "*": { limit: ${limit}, windowMs: 1000 } }
${extra}`;
const dir = mkdtempSync(join(tmpdir(), 'airlock-reload-'));
const file = join(dir, 'airlock.yaml');
const load = () => loadConfig({ AIRLOCK_CONFIG_FILE: file }, 'ingress');
const logger = createLogger({ log: { level: 'silent' } }, 'test');

describe('configuration reload', () => {
  it('changedPaths names the leaves that differ', () => {
    assert.deepEqual(changedPaths({ a: { b: 1, c: [1] }, d: 2 }, { a: { b: 1, c: [2] }, e: 3 }), [
      'a.c',
      'd',
      'e',
    ]);
  });

  it('limits apply now; anything else waits for a restart and keeps its running value', () => {
    writeFileSync(file, yaml(10));
    const running = load();
    writeFileSync(
      file,
      yaml(20).replace('authMode: dev-insecure', 'authMode: dev-insecure\n  maxBodyBytes: 2048'),
    );
    const plan = planReload(running, load());
    assert.deepEqual(plan.applied, ['ingress.tenantLimits.*.limit']);
    assert.deepEqual(plan.restart, ['ingress.maxBodyBytes']);
    assert.equal(plan.config.ingress.tenantLimits['*']?.limit, 20);
    assert.equal(plan.config.ingress.maxBodyBytes, running.ingress.maxBodyBytes);
    assert.ok(Object.isFrozen(plan.config.ingress));
  });

  it('issuers reload, but a switch between one issuer and a list needs a restart (it requalifies principals)', () => {
    const issuer = (iss: string) => ({ issuer: iss, audience: 'a', jwksFile: '/x', tenant: 't' });
    const base = loadConfig(
      {
        AIRLOCK_KAFKA_BROKERS: 'k:1',
        AIRLOCK_REGISTRY_URL: 'http://r',
        AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
      },
      'ingress',
    );
    const withList = (list: object[]) =>
      ({ ...base, jwt: { ...base.jwt, issuers: list } }) as unknown as typeof base;
    const one = withList([issuer('https://a')]);
    const two = withList([issuer('https://a'), issuer('https://b')]);
    const plan = planReload(one, two);
    assert.deepEqual(plan.applied, ['jwt.issuers']);
    assert.equal(plan.config.jwt.issuers?.length, 2);
    const sw = planReload(base, one);
    assert.deepEqual(sw.applied, []);
    assert.deepEqual(sw.restart, ['jwt.issuers']);
    assert.equal(sw.config, base);
  });

  it('watches the file (also when replaced by a rename): a valid change applies, an invalid one is refused', async () => {
    writeFileSync(file, yaml(10));
    let live = load();
    const outcomes: string[] = [];
    const w = watchConfigFile({
      file,
      load,
      current: () => live,
      apply: (c) => {
        live = c;
      },
      logger,
      onReload: (o) => outcomes.push(o),
    });
    try {
      writeFileSync(`${file}.new`, yaml(30));
      renameSync(`${file}.new`, file);
      await until('the new limit applied', async () => live.ingress.tenantLimits['*']?.limit === 30);
      assert.equal(w.state().last, 'ok');
      writeFileSync(file, yaml(40, 'ingress2: {}'));
      await until('the bad file refused', async () => w.state().last === 'failed');
      assert.equal(live.ingress.tenantLimits['*']?.limit, 30);
      assert.match(w.state().error ?? '', /ingress2: unknown setting/);
      assert.ok(outcomes.includes('applied') && outcomes.includes('failed'));
    } finally {
      w.stop();
    }
  });
});
