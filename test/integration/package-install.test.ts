/**
 * The bins work when Airlock is installed as a package (issue #15 §7), not only from the
 * repository: `npm pack` builds the JavaScript (prepack: npm run build) and bundles the patched
 * kafkajs; the tarball is installed into a temporary prefix from the npm registry, as a user would,
 * and its bins run under node_modules, where Node does not strip types. A Node older than
 * package.json's engines gets one line naming the version needed, not a stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../../scripts/lib/stack-env.ts';

const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...opts });
  return { status: r.status, out: r.stdout, err: r.stderr, all: `${r.stdout}${r.stderr}${r.error ?? ''}` };
};

describe('airlock as an installed package (npm pack → npm install → its bins)', () => {
  const dir = mkdtempSync(`${tmpdir()}/airlock-package-`);
  const prefix = `${dir}/prefix`;
  const bin = (name: string) => `${prefix}/node_modules/.bin/${name}`;
  const installed = `${prefix}/node_modules/airlock`;

  before(() => {
    const pack = run('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], { cwd: ROOT });
    assert.equal(
      pack.status,
      0,
      `npm pack failed (it needs the npm registry for nothing; the build is local):\n${pack.all}`,
    );
    const tarball = pack.out.trim().split('\n').at(-1) ?? '';
    const install = run(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        `${dir}/${tarball}`,
      ],
      { cwd: dir },
    );
    assert.equal(
      install.status,
      0,
      `npm install of the tarball failed (it needs the npm registry):\n${install.all}`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the built JavaScript and the patched kafkajs, not the TypeScript sources', () => {
    assert.ok(existsSync(`${installed}/dist/dlq-replayer/main.js`));
    assert.ok(existsSync(`${installed}/dist/avro/parts-trace-event.avsc`));
    assert.equal(existsSync(`${installed}/dlq-replayer/main.ts`), false);
    // The read_committed fix and OffsetFetch v7 (patches/kafkajs+2.2.4.patch) travel with it.
    const kafkajs = `${installed}/node_modules/kafkajs/src`;
    assert.ok(
      existsSync(`${kafkajs}/protocol/requests/offsetFetch/v7/request.js`),
      'the patched kafkajs is bundled',
    );
    assert.match(readFileSync(`${kafkajs}/consumer/filterAbortedMessages.js`, 'utf8'), /sort/);
  });

  it('airlock-dlq --help runs from node_modules', () => {
    const r = run(bin('airlock-dlq'), ['--help']);
    assert.equal(r.status, 0, r.all);
    assert.match(r.out, /^airlock-dlq — inspect, correct and replay rejected maintenance records/);
  });

  it('airlock config check validates the environment and masks a URL password', () => {
    const env = {
      PATH: process.env.PATH,
      AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
      AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
      AIRLOCK_REDIS_URL: 'redis://:s3cret-pw@127.0.0.1:6379',
    };
    const ok = run(bin('airlock'), ['config', 'check', '--json'], { env });
    assert.equal(ok.status, 0, ok.all);
    const effective = JSON.parse(ok.out) as { redis: { url: string }; ingress: { corsOrigins: string[] } };
    assert.equal(effective.redis.url, 'redis://:***@127.0.0.1:6379');
    assert.deepEqual(effective.ingress.corsOrigins, []);
    assert.doesNotMatch(ok.all, /s3cret-pw/);
    const bad = run(bin('airlock'), ['config', 'check', '--stage', 'router'], {
      env: { ...env, AIRLOCK_ROUTER_TYPO: '1' },
    });
    assert.equal(bad.status, 1, bad.all);
    assert.match(bad.err, /invalid\n {2}- AIRLOCK_ROUTER_TYPO: unknown setting/);
  });

  it('an older Node is told which version it needs, in one line', () => {
    // The machine's own Node (20) is older than engines (>= 22.18); skip only if it is not.
    const old = run('/usr/bin/node', ['--version']);
    const [major] = old.out.replace(/^v/, '').split('.').map(Number);
    assert.ok(
      major !== undefined && major < 22,
      `this check needs a Node older than 22 at /usr/bin/node (found ${old.all.trim()})`,
    );
    for (const name of ['airlock-dlq', 'airlock']) {
      const r = run('/usr/bin/node', [`${installed}/bin/${name}.js`, '--help']);
      assert.equal(r.status, 1, r.all);
      assert.equal(
        r.err,
        `${name} needs Node.js 22.18 or later; this is Node.js ${old.out.trim().replace(/^v/, '')}\n`,
      );
    }
  });
});
