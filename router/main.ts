/** Entry file of the router stage: the only place it reads the environment. */
import { loadConfigOrExit } from '../core/config/load.ts';
import { runConsumerStage } from '../core/consumer/consumer-stage.ts';
import { toDlq } from '../core/consumer/dead-letter.ts';
import type { OutputRecord } from '../core/consumer/transform-loop.ts';
import { AirlockError, CHECK_IDS } from '../core/errors.ts';
import { Header, headersToMap } from '../core/headers.ts';
import { createLogger } from '../core/logger.ts';
import { decodeRecord, encodeRecord } from '../core/registry.ts';
import { sendSpan } from '../core/telemetry/tracing.ts';
import { routeRecord } from './route-record.ts';
import { loadTable, watchTable } from './table-source.ts';

const config = loadConfigOrExit(process.env, 'router');
const logger = createLogger(config, 'router');

await runConsumerStage({
  stage: 'router',
  config,
  logger,
  groupId: config.router.groupId,
  inputTopic: config.topics.validated,
  healthPort: config.router.healthPort,
  async setup({ contracts, registry }) {
    // Validated (unknown topic, unreachable or duplicate rule → start-up stops with the reason) and
    // every schema it needs registered before the first record is routed.
    let table = await loadTable(config, contracts, registry);
    const stopWatching = watchTable(config, contracts, registry, logger, (next) => {
      table = next;
    });
    return {
      close: stopWatching,
      async transform(input, _history, span) {
        const headers = headersToMap(input.message.headers);
        let envelope: Record<string, unknown>;
        try {
          envelope = await decodeRecord(registry, input.message.value);
        } catch (err) {
          if (err instanceof AirlockError && !err.retriable) {
            const reasons = [{ code: err.code, rule: CHECK_IDS.wire, path: '', message: err.message }];
            const dlq = sendSpan(span, config.topics.dlq, { 'airlock.dlq.code': err.code });
            const dlqHeaders = { ...headers, [Header.traceparent]: dlq.traceparent };
            return [toDlq(config.topics.dlq, 'router', input, dlqHeaders, { code: err.code, reasons })];
          }
          throw err;
        }
        const decision = routeRecord(table, envelope);
        span.set({ 'airlock.routing': decision.kind });
        if (decision.kind === 'rejected') {
          const dlq = sendSpan(span, config.topics.dlq, { 'airlock.dlq.code': decision.code });
          const dlqHeaders = { ...headers, [Header.traceparent]: dlq.traceparent };
          return [toDlq(config.topics.dlq, 'router', input, dlqHeaders, decision)];
        }
        span.set({ 'airlock.route': decision.route, 'airlock.destinations': decision.destinations.length });
        const outputs: OutputRecord[] = [];
        for (const { topic, schemaId, key } of decision.destinations) {
          const value = await encodeRecord(registry, schemaId, envelope);
          // One PRODUCER span per destination: a downstream consumer continues from its own.
          const send = sendSpan(span, topic);
          outputs.push({
            topic,
            message: { key, value, headers: { ...headers, [Header.traceparent]: send.traceparent } },
          });
        }
        logger.debug(
          { traceId: headers[Header.traceId], route: decision.route, destinations: decision.destinations },
          'routed',
        );
        return outputs;
      },
    };
  },
});
