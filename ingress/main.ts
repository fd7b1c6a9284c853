/** Entry file of the ingress stage: the only place it reads the environment. */
import { loadConfig } from '../core/config.ts';
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
