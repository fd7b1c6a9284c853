/**
 * stack/stack.sh behaves: `up` twice is a no-op the second time, `status` tells the truth when a
 * service is killed by hand, `up` restarts only what died, `down` leaves no process. Runs a second,
 * private stack on its own ports and folder so the shared one is untouched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { ROOT } from '../../scripts/lib/stack-env.ts';

const dir = mkdtempSync(`${tmpdir()}/airlock-stack-test-`);
const ports = { kafka: 29192, controller: 29193, registry: 28181, redis: 26479 };
const env = {
  ...process.env,
  AIRLOCK_STACK_DIR: dir,
  AIRLOCK_STACK_KAFKA_PORT: String(ports.kafka),
  AIRLOCK_STACK_CONTROLLER_PORT: String(ports.controller),
  AIRLOCK_STACK_REGISTRY_PORT: String(ports.registry),
  AIRLOCK_STACK_REDIS_PORT: String(ports.redis),
  AIRLOCK_STACK_KAFKA_HEAP: '512m',
  AIRLOCK_STACK_REGISTRY_HEAP: '256m',
};

function stack(cmd: string) {
  const r = spawnSync('bash', [`${ROOT}stack/stack.sh`, cmd], { env, encoding: 'utf8', timeout: 300000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const pid = (svc: string) => Number(readFileSync(`${dir}/run/${svc}.pid`, 'utf8').trim());
const running = (p: number) => existsSync(`/proc/${p}`);
const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

describe('stack/stack.sh (a private stack on other ports)', () => {
  after(() => {
    stack('down');
    rmSync(dir, { recursive: true, force: true });
  });

  let pids: Record<string, number> = {};

  it('up starts Kafka, the registry and Redis, healthy, and writes the env file', () => {
    const r = stack('up');
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /started: kafka registry redis/);
    pids = { kafka: pid('kafka'), registry: pid('registry'), redis: pid('redis') };
    const envFile = readFileSync(`${dir}/env`, 'utf8');
    assert.match(envFile, new RegExp(`AIRLOCK_KAFKA_BROKERS=127.0.0.1:${ports.kafka}`));
    assert.match(
      envFile,
      new RegExp(`AIRLOCK_REGISTRY_URL=http://127.0.0.1:${ports.registry}/apis/ccompat/v7`),
    );
  });

  it('a second up is a no-op', () => {
    const r = stack('up');
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /already running/);
    assert.deepEqual({ kafka: pid('kafka'), registry: pid('registry'), redis: pid('redis') }, pids);
  });

  it('status says up for all three', () => {
    const r = stack('status');
    assert.equal(r.status, 0, r.out);
    for (const svc of ['kafka', 'registry', 'redis'])
      assert.match(r.out, new RegExp(`^${svc}\\s+up\\s`, 'm'));
  });

  it('status tells the truth when a service is killed by hand, and up restarts only that one', async () => {
    process.kill(pids.redis ?? 0, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const r = stack('status');
    assert.notEqual(r.status, 0, 'status must fail when a service is dead');
    assert.match(r.out, /^redis\s+dead\s/m);
    assert.match(r.out, /^kafka\s+up\s/m);
    const again = stack('up');
    assert.equal(again.status, 0, again.out);
    assert.match(again.out, /started: redis$/m);
    assert.equal(pid('kafka'), pids.kafka);
    assert.notEqual(pid('redis'), pids.redis);
    pids.redis = pid('redis');
  });

  it('down leaves no process and frees every port', async () => {
    const r = stack('down');
    assert.equal(r.status, 0, r.out);
    for (const [svc, p] of Object.entries(pids))
      assert.equal(running(p), false, `${svc} (pid ${p}) still runs`);
    for (const port of Object.values(ports))
      assert.equal(await portOpen(port), false, `port ${port} still open`);
    const status = stack('status');
    assert.notEqual(status.status, 0);
    assert.match(status.out, /^kafka\s+down$/m);
  });
});
