/**
 * A consumer stage (the validators, the router), wired once: a Kafka client, its topics
 * (idempotently), the Avro contract and a registry client; the transform loop with the DLQ, the
 * record status after each commit and an exit when kafkajs gives up; health endpoints; and a drain
 * in the right order on SIGTERM. The stage brings only its transform (its decision lives beside it).
 */
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.ts';
import { loadContract, type RouteContract, type RouteName } from '../contract.ts';
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
import { dlqForError } from './dead-letter.ts';
import {
  createTransformLoop,
  type InputRecord,
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
  transform: Transform;
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
      const work = await spec.setup(deps);
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
        },
        transform: work.transform,
        history: work.history,
      });
      await loop.start();
      logger.info(
        { input: spec.inputTopic, ...(spec.outputTopic ? { output: spec.outputTopic } : {}) },
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
        },
      };
    },
  });
}
