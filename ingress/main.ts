/** Entry file of the ingress stage: the only place it reads the environment. */
import { readFileSync } from 'node:fs';
import type { Server, ServerOptions } from 'node:https';
import { hostname } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { jwksReachable } from '../core/auth/token-verifier.ts';
import { loadConfig } from '../core/config/load.ts';
import type { Config } from '../core/config/schema.ts';
import { loadContract } from '../core/contract.ts';
import { createKafka } from '../core/kafka/client.ts';
import { provisionTopics } from '../core/kafka/topics.ts';
import { createLogger } from '../core/logger.ts';
import { statusStoreFor } from '../core/record-status/redis.ts';
import { registryReachable } from '../core/registry.ts';
import { runStage } from '../core/stage/lifecycle.ts';
import { stateStoreFor } from '../core/store/redis.ts';
import { ruleSettings } from '../rules/settings.ts';
import { buildIngress } from './app.ts';
import { createAuthenticator } from './identity.ts';
import { createIngressMetrics } from './metrics.ts';
import { createKafkaPublisher } from './publisher.ts';
import { watchTlsMaterial } from './tls-reload.ts';

const config = loadConfig(process.env, 'ingress');

/** Mutual TLS: a client certificate chaining to the configured CA is required by the handshake. */
function tlsOptions(c: Config): ServerOptions | undefined {
  if (c.ingress.authMode !== 'mtls-jwt') return undefined;
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
  return {
    cert: read(c.tls.certFile),
    key: read(c.tls.keyFile),
    ca: read(c.tls.clientCaFile),
    ...(c.tls.crlFile ? { crl: read(c.tls.crlFile) } : {}),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: c.tls.minVersion,
  };
}
const logger = createLogger(config, 'ingress');

await runStage({
  logger,
  graceMs: config.shutdownGraceMs,
  async start(lifecycle) {
    if (config.jwt.jwksUrl?.startsWith('http:'))
      logger.warn(
        { jwksUrl: config.jwt.jwksUrl },
        'the token keys are fetched over plain http (AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS): development only',
      );
    if (config.ingress.authMode === 'dev-insecure') {
      logger.warn(
        { host: config.ingress.host },
        'AUTHENTICATION IS OFF (AIRLOCK_INGRESS_AUTH_MODE=dev-insecure): development only, loopback only',
      );
    }
    const store = stateStoreFor(config);
    if (store.kind === 'local') {
      logger.warn(
        'no AIRLOCK_REDIS_URL: revocation, idempotency keys and rate limits are kept in this process (in-process policy: single instance only)',
      );
    }
    // Redis down at start-up is not fatal: requests are refused (503) and /health/ready says so
    // until it answers; ioredis keeps reconnecting.
    await store.connect().catch((err: unknown) => logger.warn({ err }, 'Redis not reachable yet'));
    const kafka = createKafka(config, logger, 'ingress');
    const admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, config, logger);
    const metrics = createIngressMetrics();
    const transactionalId =
      config.ingress.transactionalId ?? `${config.transactionalIdPrefix}-ingress-${hostname()}`;
    logger.info({ transactionalId }, 'transactional id of this ingress instance');
    const publisher = createKafkaPublisher({
      kafka,
      topic: config.topics.ingress,
      timeoutMs: config.ingress.publishTimeoutMs,
      lingerMs: config.ingress.publishLingerMs,
      maxBatchRecords: config.ingress.publishBatchMaxRecords,
      transactionalId,
      producers: config.ingress.transactionalProducers,
      transactionTimeoutMs: config.ingress.transactionTimeoutMs,
      resolveTimeoutMs: 2 * config.ingress.transactionTimeoutMs,
      logger,
      onOutcome: (outcome) => metrics.transactions.inc({ outcome }),
    });
    await publisher.connect();
    const tls = tlsOptions(config);
    const rules = ruleSettings(config, logger);
    const status = statusStoreFor(config, (err) => logger.warn({ err }, 'status write failed'));
    const app = buildIngress({
      config,
      https: tls && {
        ...tls,
        // Slow clients (slow-loris): timeouts checked every second, not every 30 s (Node's default).
        headersTimeout: config.ingress.headersTimeoutMs,
        requestTimeout: config.ingress.requestTimeoutMs,
        connectionsCheckingInterval: 1000,
      },
      logger,
      contract: loadContract(),
      publisher,
      metrics,
      authenticate: createAuthenticator(config, store),
      rules,
      status,
      store,
      isDraining: () => lifecycle.state === 'draining',
      readiness: [
        {
          name: 'kafka',
          check: async () => {
            await admin.describeCluster();
            return true;
          },
        },
        { name: 'registry', check: () => registryReachable(config) },
        ...(store.kind === 'redis' ? [{ name: 'redis', check: () => store.ping() }] : []),
        ...(config.jwt.jwksUrl ? [{ name: 'jwks', check: () => jwksReachable(config) }] : []),
      ],
    });
    // Slow clients: headers and the whole request within their timeouts (fastify requestTimeout),
    // at most 64 headers; Node caps their total size at 16 KiB.
    app.server.headersTimeout = config.ingress.headersTimeoutMs;
    app.server.maxHeadersCount = 64;
    const stopWatching = tls
      ? watchTlsMaterial({
          server: app.server as unknown as Server,
          files: [
            config.tls.certFile,
            config.tls.keyFile,
            config.tls.clientCaFile,
            config.tls.crlFile,
          ].filter((f): f is string => f !== undefined),
          load: () => tlsOptions(config) ?? {},
          logger,
        })
      : () => undefined;
    // TLS 1.2 renegotiation is a denial-of-service vector and never needed here (1.3 has none).
    app.server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
    const address = await app.listen({ host: config.ingress.host, port: config.ingress.port });
    logger.info({ address, topic: config.topics.ingress }, 'ingress listening');
    return {
      async drain() {
        stopWatching();
        rules.close();
        await status.close();
        await app.close();
        await publisher.disconnect();
        await admin.disconnect();
        await store.close();
      },
    };
  },
});
