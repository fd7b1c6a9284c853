/**
 * An ingress app for inject()-based unit tests: dev-insecure, an in-process store, and an in-memory
 * recorder standing in for the Publisher interface (the integration tests publish to the real broker).
 */
import { pino } from 'pino';
import { loadConfig } from '../../core/config/load.ts';
import { loadContract } from '../../core/contract.ts';
import type { AirlockError } from '../../core/errors.ts';
import { createLocalStore } from '../../core/store/local.ts';
import type { StateStore } from '../../core/store/store.ts';
import type { AccessAudit } from '../../ingress/access-audit.ts';
import { buildIngress } from '../../ingress/app.ts';
import { type Authenticator, createAuthenticator } from '../../ingress/identity.ts';
import type { OutgoingRecord, Publisher, PublishPressure } from '../../ingress/publisher.ts';

export interface TestIngressOptions {
  env?: Record<string, string>;
  /** Every publish fails with this error. */
  fail?: AirlockError;
  /** Runs before a record is recorded as published (to hold a request in flight). */
  beforePublish?: () => Promise<void>;
  store?: StateStore;
  /** Who sends (the real authenticators are tested apart, and end to end in test/integration). */
  authenticate?: Authenticator;
  /** The publisher's pressure, as load shedding reads it (ingress/shedding.ts); none when absent. */
  pressure?: () => PublishPressure;
  /** The access audit trail's writer; none when absent. */
  accessAudit?: AccessAudit;
}

export function testIngress(opts: TestIngressOptions = {}) {
  const config = loadConfig(
    {
      AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
      AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
      ...opts.env,
    },
    'ingress',
  );
  const store = opts.store ?? createLocalStore();
  const published: OutgoingRecord[] = [];
  const publisher: Publisher = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    publish: async (r) => {
      if (opts.fail) throw opts.fail;
      await opts.beforePublish?.();
      published.push(...r);
    },
    ...(opts.pressure ? { pressure: opts.pressure } : {}),
  };
  const app = buildIngress({
    config,
    logger: pino({ level: 'silent' }),
    contract: loadContract(),
    publisher,
    authenticate: opts.authenticate ?? createAuthenticator(config, store),
    store,
    readiness: [{ name: 'kafka', check: async () => true }],
    accessAudit: opts.accessAudit,
    instance: 'test-ingress',
  });
  return { app, published, config };
}
