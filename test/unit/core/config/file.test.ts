/** airlock.yaml (core/config/file.ts, read by loadConfig): overlays, ${ENV}, strict keys, the environment over it. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { overlay } from '../../../../core/config/file.ts';
import { ConfigError, loadConfig } from '../../../../core/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'airlock-yaml-'));
let n = 0;
const fileWith = (text: string) => {
  const f = join(dir, `airlock-${n++}.yaml`);
  writeFileSync(f, text);
  return f;
};
const BASE = `
kafka:
  brokers: [127.0.0.1:9092]
registry:
  url: http://127.0.0.1:8081/apis/ccompat/v7
ingress:
  authMode: dev-insecure
  port: 8080
  tenantLimits:
    "*": { limit: 100, windowMs: 1000 }
environments:
  production:
    ingress:
      port: 9443
      tenantLimits:
        airline-a: { limit: 5, windowMs: 60000 }
  staging:
    log: { level: debug }
    ingress:
      tenantLimits: null
`;
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env, 'ingress');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('the configuration was accepted');
};

describe('airlock.yaml', () => {
  it('the base alone, then each overlay merged over it (objects key by key, null back to the default)', () => {
    const file = fileWith(BASE);
    const base = loadConfig({ AIRLOCK_CONFIG_FILE: file }, 'ingress');
    assert.equal(base.ingress.port, 8080);
    assert.deepEqual(Object.keys(base.ingress.tenantLimits), ['*']);
    const prod = loadConfig({ AIRLOCK_CONFIG_FILE: file, AIRLOCK_ENV: 'production' }, 'ingress');
    assert.equal(prod.ingress.port, 9443);
    assert.deepEqual(Object.keys(prod.ingress.tenantLimits).sort(), ['*', 'airline-a']);
    assert.equal(prod.ingress.tenantLimits['airline-a']?.limit, 5);
    const staging = loadConfig({ AIRLOCK_CONFIG_FILE: file, AIRLOCK_ENV: 'staging' }, 'ingress');
    assert.equal(staging.log.level, 'debug');
    assert.deepEqual(staging.ingress.tenantLimits, {});
    // An environment the file has no overlay for is the base.
    assert.equal(
      loadConfig({ AIRLOCK_CONFIG_FILE: file, AIRLOCK_ENV: 'development' }, 'ingress').ingress.port,
      8080,
    );
  });

  it('the environment overrides the file (containers), a whole setting at a time', () => {
    const file = fileWith(BASE);
    const c = loadConfig(
      {
        AIRLOCK_CONFIG_FILE: file,
        AIRLOCK_ENV: 'production',
        AIRLOCK_INGRESS_PORT: '7000',
        AIRLOCK_INGRESS_TENANT_LIMITS: '{"*":{"limit":9,"windowMs":1000}}',
      },
      'ingress',
    );
    assert.equal(c.ingress.port, 7000);
    assert.deepEqual(c.ingress.tenantLimits, { '*': { limit: 9, windowMs: 1000, routes: {} } });
  });

  it('unknown keys are errors with their path, in the base and in every overlay (not only the chosen one)', () => {
    const file = fileWith(
      `${BASE.replace('  port: 8080', '  prot: 8080')}  development:\n    router: { tabelFile: x }\n`,
    );
    const problems = problemsOf({ AIRLOCK_CONFIG_FILE: file, AIRLOCK_ENV: 'production' });
    assert.ok(
      problems.some((p) => p.includes('environments.development.router.tabelFile: unknown setting')),
      problems.join('\n'),
    );
    const base = problemsOf({ AIRLOCK_CONFIG_FILE: fileWith(BASE.replace('  port: 8080', '  prot: 8080')) });
    assert.deepEqual(base, [`${base[0]?.split(':')[0]}: ingress.prot: unknown setting`]);
    assert.match(base[0] ?? '', /^airlock-\d+\.yaml: ingress\.prot: unknown setting$/);
    const env = problemsOf({ AIRLOCK_CONFIG_FILE: fileWith(`${BASE}  qa: {}\n`) });
    assert.ok(
      env.some((p) => /environments\.qa: unknown environment/.test(p)),
      env.join('\n'),
    );
  });

  it('a bad value names the file, its overlay and the path; a bad AIRLOCK_ENV names itself', () => {
    const file = fileWith(BASE.replace('      port: 9443', '      port: "high"'));
    const problems = problemsOf({ AIRLOCK_CONFIG_FILE: file, AIRLOCK_ENV: 'production' });
    assert.ok(
      problems.some((p) => /\.yaml \(environments\.production\): ingress\.port: .*number/.test(p)),
      problems.join('\n'),
    );
    assert.match(
      problemsOf({ AIRLOCK_CONFIG_FILE: fileWith(BASE), AIRLOCK_ENV: 'prod' }).join(),
      /AIRLOCK_ENV: expected one of/,
    );
  });

  it('a reference to an environment variable is replaced, typed by its place; a missing one is an error; a doubled $ is literal', () => {
    const file = fileWith(`
kafka: { brokers: "\${BROKERS}" }
registry: { url: "\${REGISTRY}" }
redis: { url: "redis://:\${REDIS_PASSWORD}@127.0.0.1:6379/0" }
jwt: { audience: "a$\${b}" }
ingress: { authMode: dev-insecure, port: "\${PORT}", accessLog: "\${ACCESS_LOG}" }
`);
    const env = {
      AIRLOCK_CONFIG_FILE: file,
      BROKERS: 'a:1, b:2',
      REGISTRY: 'http://r:8081',
      REDIS_PASSWORD: 'hunter2',
      PORT: '8443',
      ACCESS_LOG: 'false',
    };
    const c = loadConfig(env, 'ingress');
    assert.deepEqual(c.kafka.brokers, ['a:1', 'b:2']);
    assert.equal(c.ingress.port, 8443);
    assert.equal(c.ingress.accessLog, false);
    assert.equal(c.redis.url, 'redis://:hunter2@127.0.0.1:6379/0');
    assert.equal(c.jwt.audience, `a\${b}`);
    const { REDIS_PASSWORD: _, ...without } = env;
    assert.deepEqual(problemsOf(without), [`redis.url: \${REDIS_PASSWORD} is not set in the environment`]);
  });

  it('a secret written into the file is refused: a URL password must come from the environment', () => {
    const file = fileWith(BASE.replace('ingress:', 'redis: { url: "redis://u:hunter2@h:6379" }\ningress:'));
    const problems = problemsOf({ AIRLOCK_CONFIG_FILE: file });
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] ?? '', /^redis\.url: a password in the file/);
    assert.doesNotMatch(problems.join(), /hunter2/);
  });

  it('YAML errors (syntax, a duplicate key) and an unreadable file are refused with the file named', () => {
    assert.match(
      problemsOf({ AIRLOCK_CONFIG_FILE: fileWith('ingress: { port: 1\n') }).join(),
      /^airlock-\d+\.yaml: /,
    );
    assert.match(
      problemsOf({ AIRLOCK_CONFIG_FILE: fileWith('ingress:\n  port: 1\n  port: 2\n') }).join(),
      /Map keys must be unique/,
    );
    assert.match(
      problemsOf({ AIRLOCK_CONFIG_FILE: join(dir, 'none.yaml') }).join(),
      /none\.yaml: cannot be read \(ENOENT\)/,
    );
    assert.match(problemsOf({ AIRLOCK_CONFIG_FILE: fileWith('- a\n- b\n') }).join(), /expected a mapping/);
  });

  it('overlay(): lists replace, objects merge, null removes', () => {
    assert.deepEqual(overlay({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null, e: 2 }), {
      a: { b: 1, c: [3] },
      e: 2,
    });
  });
});

describe('the complete example of docs/configuration.md', () => {
  const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
  const example = /A complete example[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];

  it('is valid for every stage in every environment, with its secret from the environment', () => {
    assert.ok(example, 'no example found');
    const file = fileWith(example);
    for (const environment of [undefined, 'development', 'staging', 'production'])
      for (const stage of ['ingress', 'validators', 'router'] as const) {
        const env = {
          AIRLOCK_CONFIG_FILE: file,
          REDIS_PASSWORD: 'pw',
          ...(environment ? { AIRLOCK_ENV: environment } : {}),
        };
        const c = loadConfig(env, stage);
        assert.equal(c.jwt.issuers?.length, 2);
        if (environment === 'development') assert.deepEqual(c.ingress.tenantQuotas, {});
      }
    assert.match(example, /\$\{REDIS_PASSWORD\}/);
  });
});
