/** `airlock config check` (core/config/check.ts): valid, invalid, usage, and no secret printed. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { maskUrlSecrets, runConfigCheck } from '../../../../core/config/check.ts';

const ENV = {
  AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
  AIRLOCK_REGISTRY_URL: 'https://reg-user:reg-pass@registry.example/apis/ccompat/v7',
  AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
  AIRLOCK_REDIS_URL: 'redis://:hunter2@127.0.0.1:6379/0',
};
const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
};

describe('airlock config check', () => {
  it('a valid environment: exit 0, the effective configuration with defaults, URL passwords masked', () => {
    const c = capture();
    assert.equal(runConfigCheck(['--json'], ENV, c.io), 0);
    const cfg = JSON.parse(c.out.join('')) as {
      redis: { url: string };
      registry: { url: string };
      ingress: { maxBodyBytes: number };
    };
    assert.equal(cfg.redis.url, 'redis://:***@127.0.0.1:6379/0');
    assert.equal(cfg.registry.url, 'https://reg-user:***@registry.example/apis/ccompat/v7');
    assert.equal(cfg.ingress.maxBodyBytes, 1048576);
    assert.doesNotMatch(c.out.join(''), /hunter2|reg-pass/);
  });

  it('an invalid one: exit 1, every problem with its variable, nothing secret', () => {
    const c = capture();
    const env = {
      ...ENV,
      AIRLOCK_KAFKA_BROKERS: '',
      AIRLOCK_INGRESS_MAX_BODY_BYTES: 'lots',
      AIRLOCK_NOPE: 'x',
    };
    assert.equal(runConfigCheck(['--stage', 'ingress'], env, c.io), 1);
    const text = c.err.join('');
    assert.match(text, /configuration of the ingress stage: invalid/);
    assert.match(text, /AIRLOCK_NOPE: unknown setting/);
    assert.match(text, /AIRLOCK_INGRESS_MAX_BODY_BYTES/);
    assert.doesNotMatch(text, /hunter2|reg-pass/);
    assert.deepEqual(c.out, []);
  });

  it('usage errors exit 2; --help exits 0', () => {
    for (const args of [['--stage', 'nowhere'], ['--stage'], ['--verbose']]) {
      const c = capture();
      assert.equal(runConfigCheck(args, ENV, c.io), 2, args.join(' '));
      assert.match(c.err.join(''), /Usage: airlock config check/);
    }
    const h = capture();
    assert.equal(runConfigCheck(['--help'], ENV, h.io), 0);
    assert.match(h.out.join(''), /Usage: airlock config check/);
  });

  it('--file and --env check an airlock.yaml and its overlay; a secret from the environment is masked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-check-'));
    const file = join(dir, 'airlock.yaml');
    writeFileSync(
      file,
      [
        'kafka: { brokers: [k:9092] }',
        'registry: { url: http://r:8081 }',
        'redis: { url: "redis://:$' + '{REDIS_PASSWORD}@h:6379" }',
        'ingress: { authMode: dev-insecure }',
        'environments:',
        '  production: { ingress: { port: 9443 } }',
        '  staging: { ingress: { prot: 1 } }',
      ].join('\n'),
    );
    const env = { REDIS_PASSWORD: 'hunter2' };
    const ok = capture();
    // The unknown key of the staging overlay is refused whichever environment is checked.
    assert.equal(runConfigCheck(['--file', file, '--env', 'production'], env, ok.io), 1);
    assert.match(ok.err.join(''), /\(.*airlock\.yaml, environment production\): invalid/);
    assert.match(ok.err.join(''), /airlock\.yaml: environments\.staging\.ingress\.prot: unknown setting/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('prot: 1', 'port: 8081'));
    const fixed = capture();
    assert.equal(
      runConfigCheck(['--file', file, '--env', 'production'], env, fixed.io),
      0,
      fixed.err.join(''),
    );
    assert.match(fixed.out.join(''), /"port": 9443/);
    assert.match(fixed.out.join(''), /redis:\/\/:\*\*\*@h:6379/);
    assert.doesNotMatch(fixed.out.join(''), /hunter2/);
    assert.equal(runConfigCheck(['--file'], env, capture().io), 2);
  });

  it('masks a URL’s password, or its user name alone, and leaves anything else as it is', () => {
    assert.equal(maskUrlSecrets('redis://user:pw@h:1'), 'redis://user:***@h:1');
    assert.equal(maskUrlSecrets('https://token@h/x'), 'https://***@h/x');
    assert.equal(maskUrlSecrets('https://h/x'), 'https://h/x');
    assert.equal(maskUrlSecrets('127.0.0.1:9092'), '127.0.0.1:9092');
    assert.equal(maskUrlSecrets('/etc/airlock/tls.key'), '/etc/airlock/tls.key');
  });
});
