/** Entry file of the edge station (docs/edge.md): the only place it reads the environment. */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { loadConfigOrExit } from '../core/config/load.ts';
import { loadContract } from '../core/contract.ts';
import { createLogger } from '../core/logger.ts';
import { runStage } from '../core/stage/lifecycle.ts';
import { loadTlsMaterial } from '../core/tls.ts';
import { ruleSettings } from '../rules/settings.ts';
import { buildEdge } from './app.ts';
import { loadKeyring } from './keyring.ts';
import { openOutbox, PRIORITIES } from './outbox.ts';
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
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'airlock_edge_' });
    const queued = new Gauge({
      name: 'airlock_edge_queued_records',
      help: 'Records in the outbox by priority class',
      labelNames: ['priority'],
      registers: [registry],
    });
    const queuedBytes = new Gauge({
      name: 'airlock_edge_queued_bytes',
      help: 'Bytes of the outbox by priority class',
      labelNames: ['priority'],
      registers: [registry],
    });
    const synced = new Counter({
      name: 'airlock_edge_synced_total',
      help: 'Records the centre confirmed durable',
      registers: [registry],
    });
    const rejected = new Counter({
      name: 'airlock_edge_rejected_total',
      help: 'Records the centre refused for good (reject list)',
      registers: [registry],
    });
    const full = new Counter({
      name: 'airlock_edge_outbox_full_total',
      help: 'Requests refused with 507: the outbox was full',
      registers: [registry],
    });
    const sync = startSync({
      config,
      outbox,
      logger,
      onSynced: (n) => synced.inc(n),
      onRejected: (n) => rejected.inc(n),
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
        full.inc();
        logger.error(
          { stats: outbox.stats().queued },
          'ALARM: the edge outbox is full; new records are refused with 507',
        );
      },
      metrics: async () => {
        const s = outbox.stats();
        for (const p of PRIORITIES) {
          queued.set({ priority: p }, s.queued[p].records);
          queuedBytes.set({ priority: p }, s.queued[p].bytes);
        }
        return { contentType: registry.contentType, text: await registry.metrics() };
      },
    });
    const address = await app.listen({ host: e.host, port: e.port });
    logger.info({ address, station: e.stationId, central: e.centralUrl }, 'edge station listening');
    return {
      async drain() {
        await app.close();
        await sync.stop();
        outbox.close();
      },
    };
  },
});
