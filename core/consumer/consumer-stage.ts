/**
 * A consumer stage (the validators, the router), wired once: a Kafka client, its topics
 * (idempotently), the Avro contract and a registry client; the transform loop with the DLQ, the
 * record status after each commit and an exit when kafkajs gives up; health endpoints; and a drain
 * in the right order on SIGTERM. The stage brings only its transform (its decision lives beside it).
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.ts';
import { loadContract, type RouteContract, type RouteName } from '../contract.ts';
import { Header, headerText } from '../headers.ts';
import type { HistoryStores } from '../history/history.ts';
import { createKafka } from '../kafka/client.ts';
import { ensureTopics } from '../kafka/topics.ts';
import type { Logger } from '../logger.ts';
import { statusStoreFor } from '../record-status/redis.ts';
import { eventsFromOutputs, type StatusStore } from '../record-status/status.ts';
import { createRegistry, type SchemaRegistry } from '../registry.ts';
import { serveConsumerHealth } from '../stage/health-server.ts';
import { exitOnFatal, runStage } from '../stage/lifecycle.ts';
import type { ConsumerStageName } from '../stage/names.ts';
import { createConsumerMetrics } from '../telemetry/consumer-metrics.ts';
import { createTracing, type StageSpan, type Tracing } from '../telemetry/tracing.ts';
import { dlqForError } from './dead-letter.ts';
import {
  createTransformLoop,
  type InputRecord,
  type OutputRecord,
  type Transform,
  type TransformLoop,
} from './transform-loop.ts';

export interface PipelineStageDeps {
  kafka: Kafka;
  contracts: ReadonlyMap<RouteName, RouteContract>;
  registry: SchemaRegistry;
  /** The stage's Prometheus registry (GET /metrics): a stage adds its own series. */
  metrics: Registry;
}

/** What a stage builds once Kafka, the contract and the registry are there. */
export interface StageWork {
  /**
   * The loop's transform (transform-loop.ts), given the record's span: the records it writes carry
   * `span.traceparent`, or a child span's (one per destination).
   */
  transform: (...args: [...Parameters<Transform>, span: StageSpan]) => Promise<OutputRecord[]>;
  /** History stores of the input partitions (the validators'). */
  history?: HistoryStores;
  /** After a batch committed: status events of inputs that have no output (the validators' duplicates). */
  afterCommit?: (inputs: readonly InputRecord[], status: StatusStore) => void;
  /** Released after the loop stopped (followers, watchers, settings). */
  close?: () => Promise<void> | void;
}

export interface ConsumerStageSpec {
  stage: ConsumerStageName;
  config: Config;
  logger: Logger;
  groupId: string;
  inputTopic: string;
  /** Logged with the start line (e.g. the output topic). */
  outputTopic?: string;
  healthPort: number;
  setup(deps: PipelineStageDeps): Promise<StageWork>;
}

/**
 * The stage's transform inside a span per record (a CONSUMER span continuing the record's
 * `traceparent`), ended once the record's transaction committed (`end`), so that its duration
 * includes the retries and the commit; a record that failed ends its span at once.
 */
export function tracedTransform(
  tracing: Tracing,
  stage: string,
  groupId: string,
  transform: StageWork['transform'],
): { transform: Transform; end: (inputs: readonly InputRecord[]) => void } {
  const open = new WeakMap<KafkaMessage, StageSpan>();
  return {
    async transform(input, history) {
      const { message } = input;
      const span = tracing.start(`${stage} process`, {
        kind: 'consumer',
        parent: headerText(message.headers, Header.traceparent),
        ...(tracing.enabled && {
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.destination.name': input.topic,
            'messaging.destination.partition.id': String(input.partition),
            'messaging.kafka.offset': Number(message.offset),
            'messaging.consumer.group.name': groupId,
            'airlock.trace_id': headerText(message.headers, Header.traceId) ?? '',
          },
        }),
      });
      try {
        const outputs = await transform(input, history, span);
        open.set(message, span);
        return outputs;
      } catch (err) {
        span.fail(err);
        span.end();
        throw err;
      }
    },
    end(inputs) {
      for (const { message } of inputs) {
        open.get(message)?.end();
        open.delete(message);
      }
    },
  };
}

export function runConsumerStage(spec: ConsumerStageSpec): Promise<void> {
  const { stage, config, logger } = spec;
  return runStage({
    logger,
    graceMs: config.shutdownGraceMs,
    async start(lifecycle) {
      const kafka = createKafka(config, logger, stage);
      await ensureTopics(kafka, config, logger);
      // For the metrics' consumer lag, read at each scrape.
      const admin = kafka.admin();
      await admin.connect();
      let loop: TransformLoop | undefined;
      const metrics = createConsumerMetrics({
        stage,
        dlqTopic: config.topics.dlq,
        groupId: spec.groupId,
        inputTopic: spec.inputTopic,
        admin,
        breaker: () => loop?.outputs ?? 'closed',
      });
      const deps = {
        kafka,
        contracts: loadContract(),
        registry: createRegistry(config),
        metrics: metrics.registry,
      };
      const tracing = createTracing(config.tracing, stage);
      const work = await spec.setup(deps);
      const traced = tracedTransform(tracing, stage, spec.groupId, work.transform);
      const status = statusStoreFor(config, (err) => logger.warn({ err }, 'status write failed'));
      loop = createTransformLoop({
        kafka: deps.kafka,
        sessionTimeoutMs: config.kafka.sessionTimeoutMs,
        partitionsConcurrently: config.kafka.partitionsConcurrently,
        logger,
        groupId: spec.groupId,
        inputTopic: spec.inputTopic,
        transactionalIdPrefix: config.transactionalIdPrefix,
        deadLetter: (input, err) => dlqForError(config.topics.dlq, stage, input, err),
        onFatal: exitOnFatal(logger),
        onTransaction: metrics.transaction,
        afterCommit: (outputs, inputs) => {
          metrics.committed(inputs, outputs);
          for (const [traceId, event] of eventsFromOutputs(stage, outputs, config.topics.dlq))
            status.record(traceId, event);
          work.afterCommit?.(inputs, status);
          traced.end(inputs);
        },
        transform: traced.transform,
        history: work.history,
      });
      await loop.start();
      logger.info(
        {
          input: spec.inputTopic,
          ...(spec.outputTopic ? { output: spec.outputTopic } : {}),
          tracing: config.tracing.endpoint ?? 'off',
        },
        `${stage} consuming`,
      );
      const running = loop;
      const closeHealth = await serveConsumerHealth({
        host: config.healthHost,
        port: spec.healthPort,
        lifecycle,
        loop: running,
        history: work.history,
        metrics: metrics.registry,
      });
      return {
        async drain() {
          await running.stop();
          closeHealth();
          await admin.disconnect();
          await status.close();
          await work.close?.();
          await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'spans not exported'));
        },
      };
    },
  });
}
