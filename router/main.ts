/** Entry file of the router stage: the only place it reads the environment. */
import { loadConfig } from '../core/config.ts';
import { isRouteName, type RouteName } from '../core/contract.ts';
import { dlqForError, toDlq } from '../core/dlq.ts';
import { AirlockError } from '../core/errors.ts';
import { Header, headersToMap } from '../core/headers.ts';
import { serveConsumerHealth } from '../core/health-server.ts';
import { exitOnFatal, runStage } from '../core/lifecycle.ts';
import { createLogger } from '../core/logger.ts';
import { preparePipelineStage } from '../core/pipeline-stage.ts';
import { decodeRecord, encodeRecord, registerSchema } from '../core/registry.ts';
import { statusStoreFor } from '../core/status/redis.ts';
import { eventsFromOutputs } from '../core/status/status.ts';
import { childTraceparent } from '../core/trace.ts';
import { createTransformLoop, type OutputRecord } from '../core/transform-loop.ts';
import { defaultRoutingTable, routeRecord } from './routing.ts';

const config = loadConfig(process.env, 'router');
const logger = createLogger(config, 'router');

await runStage({
  logger,
  graceMs: config.shutdownGraceMs,
  async start(lifecycle) {
    const { kafka, contracts, registry } = await preparePipelineStage(config, logger, 'router');
    const table = defaultRoutingTable(config);
    // Each destination topic carries one record type, registered under <topic>-value
    // (TopicNameStrategy), which is what a downstream Confluent deserializer looks up by default.
    const destinationIds = new Map<string, number>();
    for (const rule of table) {
      const contract = contracts.get(rule.route);
      if (!contract) throw new Error(`routing table names route ${rule.route}, which has no schema`);
      for (const topic of rule.destinations) {
        destinationIds.set(topic, await registerSchema(registry, `${topic}-value`, contract.recordSchema));
      }
    }

    const status = statusStoreFor(config, (err) => logger.warn({ err }, 'status write failed'));
    const loop = createTransformLoop({
      kafka,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
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
        const destinations = isRouteName(route) ? routeRecord(table, { route }) : [];
        if (destinations.length === 0) {
          const message = `no routing rule matches route "${route}"`;
          const reasons = [{ code: 'NO_ROUTE_MATCH' as const, rule: 'ROUTING', path: '/route', message }];
          return [toDlq(config.topics.dlq, 'router', input, headers, { code: 'NO_ROUTE_MATCH', reasons })];
        }
        const outHeaders = {
          ...headers,
          [Header.traceparent]: childTraceparent(headers[Header.traceparent]),
        };
        const outputs: OutputRecord[] = [];
        for (const topic of destinations) {
          const id = destinationIds.get(topic);
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
        await loop.stop();
        closeHealth();
        await status.close();
      },
    };
  },
});
