/**
 * A private local stack (stack/stack.sh) on ports and in a folder of its own, so that the shared
 * stack the other tests use is untouched: the cluster profile's test and the fault suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import type { Services } from './endpoints.ts';

export interface PrivateStack {
  dir: string;
  brokers: string[];
  services: Services;
  /** stack.sh <cmd>, with the stack's environment (and `extra`; undefined removes a variable). */
  run(cmd: string, extra?: Record<string, string | undefined>): { status: number | null; out: string };
  /** The pid of a running service (kafka, kafka-2, kafka-3, registry, redis). */
  pid(service: string): number;
  /** stack.sh down, and the folder removed. */
  remove(): void;
}

export function privateStack(opts: {
  prefix: string;
  ports: { kafka: number; controller: number; registry: number; redis: number };
  brokers: 1 | 3;
}): PrivateStack {
  const dir = mkdtempSync(`${tmpdir()}/airlock-${opts.prefix}-`);
  const { ports } = opts;
  const brokers = Array.from({ length: opts.brokers }, (_, n) => `127.0.0.1:${ports.kafka + 100 * n}`);
  const env = {
    ...process.env,
    AIRLOCK_STACK_DIR: dir,
    AIRLOCK_STACK_BROKERS: String(opts.brokers),
    AIRLOCK_STACK_KAFKA_PORT: String(ports.kafka),
    AIRLOCK_STACK_CONTROLLER_PORT: String(ports.controller),
    AIRLOCK_STACK_REGISTRY_PORT: String(ports.registry),
    AIRLOCK_STACK_REDIS_PORT: String(ports.redis),
    AIRLOCK_STACK_REGISTRY_HEAP: '256m',
  };
  const run = (cmd: string, extra: Record<string, string | undefined> = {}) => {
    const r = spawnSync('bash', [`${ROOT}stack/stack.sh`, cmd], {
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 400_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  return {
    dir,
    brokers,
    services: {
      brokers,
      registryUrl: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
      redisUrl: `redis://127.0.0.1:${ports.redis}`,
      python: undefined,
    },
    run,
    pid: (service) => Number(readFileSync(`${dir}/run/${service}.pid`, 'utf8').trim()),
    remove() {
      run('down');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
