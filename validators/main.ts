/** Entry file of the validators stage: the only place it reads the environment. */
import { loadConfigOrExit } from '../core/config/load.ts';
import { runConsumerStage } from '../core/consumer/consumer-stage.ts';
import { toDlq } from '../core/consumer/dead-letter.ts';
import type { RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { Header, headersToMap } from '../core/headers.ts';
import { createHistory } from '../core/history/history.ts';
import { followCompacted } from '../core/kafka/compacted-follower.ts';
import { createLogger } from '../core/logger.ts';
import { encodeRecord, registerSchema } from '../core/registry.ts';
import { sendSpan } from '../core/telemetry/tracing.ts';
import { HISTORY_STORES } from '../rules/history.ts';
import { REFERENCE_FOLLOWER, referenceView, refTopics } from '../rules/refdata.ts';
import { ruleSettings } from '../rules/settings.ts';
import { registerValidatorMetrics } from './metrics.ts';
import { validateRecord } from './verdict.ts';

const config = loadConfigOrExit(process.env, 'validators');
const logger = createLogger(config, 'validators');

await runConsumerStage({
  stage: 'validators',
  config,
  logger,
  groupId: config.validators.groupId,
  inputTopic: config.topics.ingress,
  outputTopic: config.topics.validated,
  healthPort: config.validators.healthPort,
  async setup({ kafka, contracts, registry, metrics }) {
    const rules = ruleSettings(config, logger);
    // The validated topic carries one record type per route, so its subjects follow Confluent's
    // TopicRecordNameStrategy: <topic>-<fully qualified record name>.
    const schemaIds = new Map<RouteName, number>();
    for (const [route, c] of contracts) {
      const subject = `${config.topics.validated}-${c.recordSchema.namespace}.${c.recordSchema.name}`;
      schemaIds.set(route, await registerSchema(registry, subject, c.recordSchema));
    }

    // Reference data first: the stage is ready (and consumes) only once it has caught up.
    // Followed whatever the setting: a rule-set reload may switch the reference rules on.
    const reference = referenceView(refTopics(config.topics));
    const follower = await followCompacted(kafka, reference, logger, REFERENCE_FOLLOWER);
    await follower.caughtUp;

    // The history rules' stores, restored per partition before its first record (core/history).
    const history = createHistory({
      kafka,
      logger,
      stores: HISTORY_STORES,
      topicPrefix: config.topics.historyPrefix,
      groupPrefix: `${config.validators.groupId}-history-`,
      // Pairs are held twice the window (a retry judged late still finds its first), then dropped.
      expiresAfterMs: { idempotency: 2 * config.ingress.idempotencyTtlMs },
    });
    registerValidatorMetrics(metrics, history, reference);
    /** Inputs dropped as duplicates in the batch being committed: their first record's trace id. */
    const duplicates = new WeakMap<object, { traceId: string; firstTraceId: string }>();
    return {
      history,
      afterCommit(inputs, status) {
        const at = new Date().toISOString();
        for (const input of inputs) {
          const d = duplicates.get(input.message);
          if (d)
            status.record(d.traceId, {
              stage: 'validators',
              state: 'duplicate',
              at,
              duplicateOf: d.firstTraceId,
            });
        }
      },
      async close() {
        await follower.stop();
        rules.close();
      },
      async transform(input, staged, span) {
        const headers = headersToMap(input.message.headers);
        const verdict = validateRecord(
          input.message.value,
          headers,
          contracts,
          rules.current(),
          new Date(),
          reference.data,
          staged && { read: staged, idempotencyWindowMs: config.ingress.idempotencyTtlMs },
        );
        span.set({ 'airlock.verdict': verdict.kind });
        if (verdict.kind === 'duplicate') {
          logger.info(verdict, 'duplicate of a record already validated; not published again');
          duplicates.set(input.message, verdict);
          return [];
        }
        if (verdict.kind === 'rejected') {
          (verdict.code === 'RULE_ERROR' ? logger.error.bind(logger) : logger.info.bind(logger))(
            {
              traceId: headers[Header.traceId],
              code: verdict.code,
              rules: verdict.reasons.map((r) => r.rule),
            },
            'record rejected',
          );
          const rules = [...new Set(verdict.reasons.map((r) => r.rule))];
          const dlq = sendSpan(span, config.topics.dlq, {
            'airlock.dlq.code': verdict.code,
            'airlock.dlq.rules': rules,
          });
          return [
            toDlq(
              config.topics.dlq,
              'validators',
              input,
              { ...headers, [Header.traceparent]: dlq.traceparent },
              verdict,
            ),
          ];
        }
        const id = schemaIds.get(verdict.route);
        if (id === undefined) throw new AirlockError('INTERNAL', `no schema id for ${verdict.route}`);
        const value = await encodeRecord(registry, id, verdict.envelope);
        span.set({ 'airlock.route': verdict.route });
        const send = sendSpan(span, config.topics.validated);
        return [
          {
            topic: config.topics.validated,
            message: {
              key: verdict.key,
              value,
              headers: { ...headers, [Header.traceparent]: send.traceparent },
            },
          },
          // A rejected record leaves the history as it was; an accepted one updates it, atomically.
          ...(staged ? verdict.updates.map((u) => staged.put(u.store, u.key, u.value)) : []),
        ];
      },
    };
  },
});
