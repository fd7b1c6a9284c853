/** Entry file of the router stage: the only place it reads the environment. */
import { loadConfig } from '../core/config/load.ts';
import { preparePipelineStage } from '../core/consumer/consumer-stage.ts';
import { dlqForError, toDlq } from '../core/consumer/dead-letter.ts';
import { createTransformLoop, type OutputRecord } from '../core/consumer/transform-loop.ts';
import { isRouteName, type RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { Header, headersToMap } from '../core/headers.ts';
import { createLogger } from '../core/logger.ts';
import { statusStoreFor } from '../core/record-status/redis.ts';
import { eventsFromOutputs } from '../core/record-status/status.ts';
import { decodeRecord, encodeRecord } from '../core/registry.ts';
import { serveConsumerHealth } from '../core/stage/health-server.ts';
import { exitOnFatal, runStage } from '../core/stage/lifecycle.ts';
import { childTraceparent } from '../core/trace.ts';
import { routeRecord } from './table.ts';
import { loadTable, schemaKey, watchTable } from './table-source.ts';

const config = loadConfig(process.env, 'router');
const logger = createLogger(config, 'router');

await runStage({
  logger,
  graceMs: config.shutdownGraceMs,
  async start(lifecycle) {
    const { kafka, contracts, registry } = await preparePipelineStage(config, logger, 'router');
    // Validated (unknown topic, unreachable or duplicate rule → start-up stops with the reason) and
    // every schema it needs registered before the first record is routed.
    let table = await loadTable(config, contracts, registry);
    const stopWatching = watchTable(config, contracts, registry, logger, (next) => {
      table = next;
    });
    const status = statusStoreFor(config, (err) => logger.warn({ err }, 'status write failed'));
    const loop = createTransformLoop({
      kafka,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      partitionsConcurrently: config.kafka.partitionsConcurrently,
      logger,
      groupId: config.router.groupId,
      inputTopic: config.topics.validated,
      transactionalIdPrefix: config.transactionalIdPrefix,
      deadLetter: (input, err) => dlqForError(config.topics.dlq, 'router', input, err),
      onFatal: exitOnFatal(logger),
      afterCommit: (outputs) => {
        for (const [traceId, event] of eventsFromOutputs('router', outputs, config.topics.dlq))
          status.record(traceId, event);
      },
      async transform(input) {
        const headers = headersToMap(input.message.headers);
        let envelope: Record<string, unknown>;
        try {
          envelope = await decodeRecord(registry, input.message.value);
        } catch (err) {
          if (err instanceof AirlockError && !err.retriable) {
            const reasons = [{ code: err.code, rule: 'AVRO-WIRE', path: '', message: err.message }];
            return [toDlq(config.topics.dlq, 'router', input, headers, { code: err.code, reasons })];
          }
          throw err;
        }
        const route = String(envelope.route);
        const destinations = isRouteName(route) ? routeRecord(table.rules, envelope) : [];
        if (destinations.length === 0) {
          const message = `no routing rule matches this ${route} record`;
          const reasons = [{ code: 'NO_ROUTE_MATCH' as const, rule: 'ROUTING', path: '/route', message }];
          return [toDlq(config.topics.dlq, 'router', input, headers, { code: 'NO_ROUTE_MATCH', reasons })];
        }
        const outHeaders = {
          ...headers,
          [Header.traceparent]: childTraceparent(headers[Header.traceparent]),
        };
        const outputs: OutputRecord[] = [];
        for (const topic of destinations) {
          const id = isRouteName(route) ? table.schemaIds.get(schemaKey(topic, route)) : undefined;
          if (id === undefined) throw new AirlockError('INTERNAL', `no schema id for ${topic}`);
          const value = await encodeRecord(registry, id, envelope);
          outputs.push({ topic, message: { key: input.message.key, value, headers: outHeaders } });
        }
        logger.debug({ traceId: headers[Header.traceId], route: route as RouteName, destinations }, 'routed');
        return outputs;
      },
    });
    await loop.start();
    logger.info({ input: config.topics.validated }, 'router consuming');
    const closeHealth = await serveConsumerHealth(
      config.healthHost,
      config.router.healthPort,
      lifecycle,
      loop,
    );
    return {
      async drain() {
        stopWatching();
        await loop.stop();
        closeHealth();
        await status.close();
      },
    };
  },
});
