/**
 * Where the integration tests find the real Kafka, schema registry and Redis.
 *
 * Default (`AIRLOCK_TEST_SERVICES=stack`): the local stack of `npm run stack:up`. A missing service
 * fails the test with the command that starts it; it never skips. Where a Docker engine exists,
 * `AIRLOCK_TEST_SERVICES=testcontainers` starts the same services in containers instead
 * (test/support/containers.ts); this machine has no Docker engine, so that path is not exercised
 * here (docs/operations.md).
 */
import { createConnection } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { withStackEnv } from '../../scripts/lib/stack-env.ts';
import type { Services } from './endpoints.ts';

export type { Services };

const HOW_TO_START =
  'Start the local real stack with `npm run stack:up` (docs/operations.md), then run the tests again.';

async function kafkaAnswers(brokers: string[]): Promise<void> {
  const admin = new Kafka({
    clientId: 'airlock-test-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 1 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function redisAnswers(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.end();
      d.toString().startsWith('+PONG') ? resolve() : reject(new Error(d.toString()));
    });
  });
}

/** Checks that the services named by an environment answer; throws naming each one that does not. */
export async function probeServices(env: NodeJS.ProcessEnv): Promise<Services> {
  const brokers = (env.AIRLOCK_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const registryUrl = env.AIRLOCK_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
  const redisUrl = env.AIRLOCK_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const failures: string[] = [];
  await kafkaAnswers(brokers).catch((e: unknown) =>
    failures.push(`Kafka at ${brokers.join(',')}: ${String(e)}`),
  );
  await fetch(`${registryUrl}/subjects`, { signal: AbortSignal.timeout(3000) })
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
    })
    .catch((e: unknown) => failures.push(`schema registry at ${registryUrl}: ${String(e)}`));
  await redisAnswers(redisUrl).catch((e: unknown) => failures.push(`Redis at ${redisUrl}: ${String(e)}`));
  if (failures.length > 0) {
    throw new Error(
      `the real services the integration tests need are not reachable:\n  - ${failures.join('\n  - ')}\n${HOW_TO_START}`,
    );
  }
  return { brokers, registryUrl, redisUrl, python: env.AIRLOCK_STACK_PYTHON };
}

let cached: Promise<Services> | undefined;

export function services(): Promise<Services> {
  cached ??= (async () => {
    if ((process.env.AIRLOCK_TEST_SERVICES ?? 'stack') === 'testcontainers') {
      const { startContainers } = await import('./containers.ts');
      return startContainers();
    }
    return probeServices(withStackEnv(process.env));
  })();
  return cached;
}

export { HOW_TO_START };
