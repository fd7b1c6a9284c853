/** Entry file of the ingress stage: the only place it reads the environment. */
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import { type Config, loadConfig } from '../core/config.ts';
import { loadContract } from '../core/contract.ts';
import { createKafka } from '../core/kafka.ts';
import { runStage } from '../core/lifecycle.ts';
import { createLogger } from '../core/logger.ts';
import { registryReachable } from '../core/registry.ts';
import { provisionTopics } from '../core/topics.ts';
import { buildIngress } from './app.ts';
import { createAuthenticator } from './identity.ts';
import { createKafkaPublisher } from './publisher.ts';

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
    if (config.ingress.authMode === 'dev-insecure') {
      logger.warn(
        { host: config.ingress.host },
        'AUTHENTICATION IS OFF (AIRLOCK_INGRESS_AUTH_MODE=dev-insecure): development only, loopback only',
      );
    }
    const kafka = createKafka(config, logger, 'ingress');
    const admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, config, logger);
    const publisher = createKafkaPublisher({
      kafka,
      topic: config.topics.ingress,
      timeoutMs: config.ingress.publishTimeoutMs,
      logger,
    });
    await publisher.connect();
    const app = buildIngress({
      config,
      https: tlsOptions(config),
      logger,
      contract: loadContract(),
      publisher,
      authenticate: createAuthenticator(config),
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
      ],
    });
    const address = await app.listen({ host: config.ingress.host, port: config.ingress.port });
    logger.info({ address, topic: config.topics.ingress }, 'ingress listening');
    return {
      async drain() {
        await app.close();
        await publisher.disconnect();
        await admin.disconnect();
      },
    };
  },
});
