/** Entry file of the ingress stage: the only place it reads the environment. */

import cluster from 'node:cluster';
import type { Server } from 'node:https';
import { hostname } from 'node:os';
import type { TLSSocket } from 'node:tls';
import type { FastifyListenOptions } from 'fastify';
import { trustedIssuers } from '../core/auth/issuers.ts';
import { jwksReachable } from '../core/auth/token-verifier.ts';
import { loadConfig, loadConfigOrExit } from '../core/config/load.ts';
import { loadContract } from '../core/contract.ts';
import { createKafka } from '../core/kafka/client.ts';
import { provisionTopics, recordLimitBytes } from '../core/kafka/topics.ts';
import { createLogger } from '../core/logger.ts';
import { statusStoreFor } from '../core/record-status/redis.ts';
import { createRegistry, registryReachable } from '../core/registry.ts';
import { runStage } from '../core/stage/lifecycle.ts';
import { stateStoreFor } from '../core/store/redis.ts';
import { createTracing } from '../core/telemetry/tracing.ts';
import { loadTlsMaterial } from '../core/tls.ts';
import { ruleSettings } from '../rules/settings.ts';
import { createAccessAudit } from './access-audit.ts';
import { buildIngress, connectionsOf } from './app.ts';
import { workerLink as createWorkerLink, runPrimary, workerIndex } from './cluster.ts';
import { type ConfigReloadState, watchConfigFile } from './config-reload.ts';
import { createAuthenticator } from './identity.ts';
import { createIngressMetrics } from './metrics.ts';
import { createKafkaPublisher } from './publisher.ts';
import { type TlsReloadState, watchTlsMaterial } from './tls-reload.ts';

const config = loadConfigOrExit(process.env, 'ingress');

const logger = createLogger(config, 'ingress');

// Without Redis the state is in-process: one process only, or the workers would disagree on it.
const workers = config.redis.url === undefined ? 1 : config.ingress.workers;
if (cluster.isPrimary && workers > 1) {
  await runPrimary({ workers, logger, graceMs: config.shutdownGraceMs });
} else {
  await runWorker();
}

async function runWorker() {
  const index = workerIndex();
  const link = index === undefined ? undefined : createWorkerLink();
  await runStage({
    logger,
    graceMs: config.shutdownGraceMs,
    ...(index === undefined ? {} : { label: `worker ${index}` }),
    async start(lifecycle) {
      // What airlock.yaml reloads (ingress/config-reload.ts): limits, quotas and issuers.
      let live = config;
      let issuers = trustedIssuers(config);
      for (const { issuer, jwksUrl } of issuers)
        if (jwksUrl?.startsWith('http:'))
          logger.warn(
            { issuer, jwksUrl },
            'the token keys are fetched over plain http (AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS): development only',
          );
      if (config.ingress.authMode === 'dev-insecure') {
        logger.warn(
          { host: config.ingress.host },
          'AUTHENTICATION IS OFF (AIRLOCK_INGRESS_AUTH_MODE=dev-insecure): development only, loopback only',
        );
      }
      // Readiness with several identity providers: one airline's provider down refuses its tokens
      // (503 IDP_UNAVAILABLE) but leaves the ingress ready for the others; /health/ready says which
      // is down (docs/operations.md). Not ready only when no provider's keys can be fetched.
      let remoteKeys = issuers.some((i) => i.jwksUrl !== undefined);
      let issuersUp: Record<string, 'up' | 'down'> | undefined;
      const jwksCheck = async () => {
        const up = await jwksReachable(issuers);
        issuersUp = Object.fromEntries(Object.entries(up).map(([i, ok]) => [i, ok ? 'up' : 'down']));
        return Object.values(up).some(Boolean);
      };
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
      // The largest record every topic on a record's way takes; re-read every five minutes, so that
      // a topic's max.message.bytes changed by an operator applies without a restart.
      const limitTopics = [
        config.topics.ingress,
        config.topics.validated,
        config.topics.dlq,
        config.topics.logbook,
        config.topics.partsTrace,
        config.topics.complianceAudit,
        config.topics.measurements,
      ];
      let recordLimit = await recordLimitBytes(admin, limitTopics);
      if (recordLimit < config.ingress.maxBodyBytes)
        logger.info(
          { recordLimitBytes: recordLimit, maxBodyBytes: config.ingress.maxBodyBytes },
          'records larger than the topics take are refused with 413 below the body limit',
        );
      const limitTimer = setInterval(() => {
        recordLimitBytes(admin, limitTopics).then(
          (n) => {
            recordLimit = n;
          },
          (err: unknown) => logger.warn({ err }, 'could not re-read the topics’ max.message.bytes'),
        );
      }, 300_000);
      limitTimer.unref();
      const metrics = createIngressMetrics();
      link?.attach(metrics.registry);
      // One transactional id per worker, stable across its restarts (each fences its predecessor).
      const baseId =
        config.ingress.transactionalId ?? `${config.transactionalIdPrefix}-ingress-${hostname()}`;
      const transactionalId = index === undefined ? baseId : `${baseId}-w${index}`;
      logger.info({ transactionalId }, 'transactional id of this ingress instance');
      const publisher = createKafkaPublisher({
        kafka,
        admin,
        topic: config.topics.ingress,
        timeoutMs: config.ingress.publishTimeoutMs,
        lingerMs: config.ingress.publishLingerMs,
        maxBatchRecords: config.ingress.publishBatchMaxRecords,
        maxBatchBytes: () => recordLimit,
        transactionalId,
        producers: config.ingress.transactionalProducers,
        transactionTimeoutMs: config.ingress.transactionTimeoutMs,
        resolveTimeoutMs: 2 * config.ingress.transactionTimeoutMs,
        logger,
        onOutcome: (outcome) => metrics.transactions.inc({ outcome }),
      });
      await publisher.connect();
      // Validated whole: unusable TLS material stops the start with its reason (ingress/tls.ts).
      const tls = config.ingress.authMode === 'mtls-jwt' ? loadTlsMaterial(config) : undefined;
      let tlsState: () => TlsReloadState | undefined = () => undefined;
      const rules = ruleSettings(config, logger);
      let authenticate = createAuthenticator(config, store);
      const file = process.env.AIRLOCK_CONFIG_FILE;
      const reloader = file
        ? watchConfigFile({
            file,
            load: () => loadConfig(process.env, 'ingress'),
            current: () => live,
            apply: (next, applied) => {
              live = next;
              if (applied.some((p) => p === 'jwt' || p.startsWith('jwt.'))) {
                issuers = trustedIssuers(next);
                remoteKeys = issuers.some((i) => i.jwksUrl !== undefined);
                authenticate = createAuthenticator(next, store);
              }
            },
            logger,
            onReload: (outcome) => metrics.configReloads.inc({ outcome }),
          })
        : undefined;
      const configState: () => ConfigReloadState | undefined = () => reloader?.state();
      const status = statusStoreFor(config, (err) => logger.warn({ err }, 'status write failed'));
      const tracing = createTracing(config.tracing, 'ingress');
      // Every access decision to the audit topic before its answer (ingress/access-audit.ts).
      const accessAudit = config.accessAudit.enabled
        ? await createAccessAudit({
            kafka,
            registry: createRegistry(config),
            topic: config.topics.accessAudit,
            lingerMs: config.accessAudit.lingerMs,
            logger,
          })
        : undefined;
      const app = buildIngress({
        config,
        tracing,
        accessAudit,
        instance: transactionalId,
        https: tls && {
          ...tls.options,
          // Slow clients (slow-loris): timeouts checked every second, not every 30 s (Node's default).
          headersTimeout: config.ingress.headersTimeoutMs,
          requestTimeout: config.ingress.requestTimeoutMs,
          connectionsCheckingInterval: 1000,
        },
        logger,
        contract: loadContract(),
        publisher,
        metrics,
        current: () => live,
        authenticate: (req) => authenticate(req),
        rules,
        status,
        store,
        recordLimitBytes: () => recordLimit,
        isDraining: () => lifecycle.state === 'draining',
        readinessInfo: () => {
          const state = tlsState();
          return {
            ...(state ? { tls_reload: state } : {}),
            ...(issuersUp ? { issuers: issuersUp } : {}),
            ...(configState() ? { config_reload: configState() } : {}),
            ...(link ? { worker: index, workers: link.workers() } : {}),
          };
        },
        ...(link ? { metricsText: link.metrics } : {}),
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
          // With keys fetched from a provider; with a configuration file, the issuers may reload to such.
          ...(remoteKeys || (reloader && config.ingress.authMode === 'mtls-jwt')
            ? [{ name: 'jwks', check: () => (remoteKeys ? jwksCheck() : Promise.resolve(true)) }]
            : []),
        ],
      });
      // Slow clients: headers and the whole request within their timeouts (fastify requestTimeout),
      // at most 64 headers; Node caps their total size at 16 KiB.
      app.server.headersTimeout = config.ingress.headersTimeoutMs;
      app.server.maxHeadersCount = 64;
      const watcher = tls
        ? watchTlsMaterial({
            server: app.server as unknown as Server,
            files: [
              config.tls.certFile,
              config.tls.keyFile,
              config.tls.clientCaFile,
              config.tls.crlFile,
            ].filter((f): f is string => f !== undefined),
            initial: tls,
            load: () => {
              const material = loadTlsMaterial(config);
              metrics.tlsCertificateExpiry.set(material.notAfterMs / 1000);
              return material;
            },
            logger,
            onReload: (outcome) => {
              metrics.tlsReloads.inc({ outcome: outcome.ok ? 'ok' : 'failed' });
              metrics.tlsReloadFailing.set(outcome.ok ? 0 : 1);
              if (outcome.ok && outcome.trustChanged) {
                connectionsOf(app)?.retireAll();
                logger.warn('client trust changed: connections opened before are retired');
              }
            },
          })
        : undefined;
      if (watcher) tlsState = watcher.state;
      if (tls) metrics.tlsCertificateExpiry.set(tls.notAfterMs / 1000);
      const stopWatching = () => {
        watcher?.stop();
        reloader?.stop();
      };
      // TLS 1.2 renegotiation is a denial-of-service vector and never needed here (1.3 has none).
      app.server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
      // Workers bind the port each with SO_REUSEPORT (exclusive: not through the primary): the kernel
      // spreads connections over them, and a worker that dies takes only its own queue with it —
      // never a connection the primary handed it in the instant it died (which would hang).
      const address = await app.listen({
        host: config.ingress.host,
        port: config.ingress.port,
        ...(index === undefined ? {} : { exclusive: true, reusePort: true }),
      } as FastifyListenOptions);
      logger.info(
        { address, topic: config.topics.ingress, tracing: config.tracing.endpoint ?? 'off' },
        'ingress listening',
      );
      return {
        async drain() {
          stopWatching();
          clearInterval(limitTimer);
          rules.close();
          await status.close();
          await app.close();
          await accessAudit?.close();
          await publisher.disconnect();
          await admin.disconnect();
          await store.close();
          await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'spans not exported'));
        },
      };
    },
  });
  link?.ready();
}
