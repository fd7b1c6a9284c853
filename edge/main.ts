/** Entry file of the edge station (docs/edge.md): the only place it reads the environment. */
import { loadConfigOrExit } from '../core/config/load.ts';
import { loadContract } from '../core/contract.ts';
import { createLogger } from '../core/logger.ts';
import { runStage } from '../core/stage/lifecycle.ts';
import { createTracing } from '../core/telemetry/tracing.ts';
import { loadTlsMaterial } from '../core/tls.ts';
import { ruleSettings } from '../rules/settings.ts';
import { buildEdge } from './app.ts';
import { loadKeyring } from './keyring.ts';
import { createEdgeMetrics } from './metrics.ts';
import { openOutbox } from './outbox.ts';
import { signerRegistry } from './signature.ts';
import { startSync } from './sync.ts';

const config = loadConfigOrExit(process.env, 'edge');
const logger = createLogger(config, 'edge');

await runStage({
  logger,
  graceMs: config.shutdownGraceMs,
  async start() {
    const e = config.edge;
    const outbox = openOutbox({
      dir: e.dataDir ?? '',
      keyring: loadKeyring(e.dataKeyFile ?? ''),
      maxBytes: { airworthiness: e.maxAirworthinessBytes, bulk: e.maxBulkBytes },
      onUnreadable: (records) =>
        logger.error(
          { records },
          'ALARM: queued records could not be opened (a data key removed?): moved to the reject list',
        ),
    });
    const metrics = createEdgeMetrics(() => outbox.stats());
    const tracing = createTracing(config.tracing, 'edge');
    const sync = startSync({
      config,
      outbox,
      logger,
      tracing,
      onSynced: (n) => metrics.synced.inc(n),
      onRejected: (n) => metrics.rejected.inc(n),
    });
    const app = buildEdge({
      config,
      logger,
      contract: loadContract(),
      outbox,
      signers: signerRegistry(e.signerKeysFile ?? ''),
      rules: ruleSettings(config, logger),
      sync: sync.state,
      https: loadTlsMaterial(config).options,
      onFull: () => {
        metrics.full.inc();
        logger.error(
          { stats: outbox.stats().queued },
          'ALARM: the edge outbox is full; new records are refused with 507',
        );
      },
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        text: await metrics.registry.metrics(),
      }),
    });
    const address = await app.listen({ host: e.host, port: e.port });
    logger.info({ address, station: e.stationId, central: e.centralUrl }, 'edge station listening');
    return {
      async drain() {
        await app.close();
        await sync.stop();
        outbox.close();
        await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'spans not exported'));
      },
    };
  },
});
