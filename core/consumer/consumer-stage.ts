/**
 * What every consumer stage (validators, router) sets up before it consumes: a Kafka client, its
 * topics (idempotently), the Avro contract and a registry client.
 */
import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { loadContract, type RouteContract, type RouteName } from '../contract.ts';
import { createKafka } from '../kafka/client.ts';
import { ensureTopics } from '../kafka/topics.ts';
import type { Logger } from '../logger.ts';
import { createRegistry, type SchemaRegistry } from '../registry.ts';

export interface PipelineStageDeps {
  kafka: Kafka;
  contracts: ReadonlyMap<RouteName, RouteContract>;
  registry: SchemaRegistry;
}

export async function preparePipelineStage(
  config: Config,
  logger: Logger,
  stage: string,
): Promise<PipelineStageDeps> {
  const kafka = createKafka(config, logger, stage);
  await ensureTopics(kafka, config, logger);
  return { kafka, contracts: loadContract(), registry: createRegistry(config) };
}
