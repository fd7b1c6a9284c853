/** Entry file of the validators stage: the only place it reads the environment. */
import { loadConfig } from '../core/config/load.ts';
import { preparePipelineStage } from '../core/consumer/consumer-stage.ts';
import { dlqForError, toDlq } from '../core/consumer/dead-letter.ts';
import { createTransformLoop } from '../core/consumer/transform-loop.ts';
import type { RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { Header, headersToMap } from '../core/headers.ts';
import { followCompacted } from '../core/kafka/compacted-follower.ts';
import { createLogger } from '../core/logger.ts';
import { statusStoreFor } from '../core/record-status/redis.ts';
import { eventsFromOutputs } from '../core/record-status/status.ts';
import { encodeRecord, registerSchema } from '../core/registry.ts';
import { serveConsumerHealth } from '../core/stage/health-server.ts';
import { exitOnFatal, runStage } from '../core/stage/lifecycle.ts';
import { childTraceparent } from '../core/trace.ts';
import { REFERENCE_FOLLOWER, referenceView, refTopics } from '../rules/refdata.ts';
import { ruleSettings } from '../rules/settings.ts';
import { validateRecord } from './verdict.ts';

const config = loadConfig(process.env, 'validators');
const logger = createLogger(config, 'validators');

await runStage({
  logger,
  graceMs: config.shutdownGraceMs,
  async start(lifecycle) {
    const { kafka, contracts, registry } = await preparePipelineStage(config, logger, 'validators');
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
    const status = statusStoreFor(config, (err) => logger.warn({ err }, 'status write failed'));
    const loop = createTransformLoop({
      kafka,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      partitionsConcurrently: config.kafka.partitionsConcurrently,
      logger,
      groupId: config.validators.groupId,
      inputTopic: config.topics.ingress,
      transactionalIdPrefix: config.transactionalIdPrefix,
      deadLetter: (input, err) => dlqForError(config.topics.dlq, 'validators', input, err),
      onFatal: exitOnFatal(logger),
      afterCommit: (outputs) => {
        for (const [traceId, event] of eventsFromOutputs('validators', outputs, config.topics.dlq))
          status.record(traceId, event);
      },
      async transform(input) {
        const headers = headersToMap(input.message.headers);
        const verdict = validateRecord(
          input.message.value,
          headers,
          contracts,
          rules.current(),
          new Date(),
          reference.data,
        );
        if (verdict.kind === 'rejected') {
          logger.info(
            {
              traceId: headers[Header.traceId],
              code: verdict.code,
              rules: verdict.reasons.map((r) => r.rule),
            },
            'record rejected',
          );
          return [toDlq(config.topics.dlq, 'validators', input, headers, verdict)];
        }
        const id = schemaIds.get(verdict.route);
        if (id === undefined) throw new AirlockError('INTERNAL', `no schema id for ${verdict.route}`);
        const value = await encodeRecord(registry, id, verdict.envelope);
        return [
          {
            topic: config.topics.validated,
            message: {
              key: verdict.key,
              value,
              headers: { ...headers, [Header.traceparent]: childTraceparent(headers[Header.traceparent]) },
            },
          },
        ];
      },
    });
    await loop.start();
    logger.info({ input: config.topics.ingress, output: config.topics.validated }, 'validators consuming');
    const closeHealth = await serveConsumerHealth(
      config.healthHost,
      config.validators.healthPort,
      lifecycle,
      loop,
    );
    return {
      async drain() {
        await loop.stop();
        await follower.stop();
        closeHealth();
        await status.close();
        rules.close();
      },
    };
  },
});
