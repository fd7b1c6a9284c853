/**
 * What every consumer stage (validators, router) sets up before it consumes: a Kafka client, its
 * topics (idempotently), the Avro contract and a registry client.
 */
import type { Kafka } from 'kafkajs';
import type { Config } from './config.ts';
import { loadContract, type RouteContract, type RouteName } from './contract.ts';
import { createKafka } from './kafka.ts';
import type { Logger } from './logger.ts';
import { createRegistry, type SchemaRegistry } from './registry.ts';
import { provisionTopics } from './topics.ts';

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
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, config, logger);
  } finally {
    await admin.disconnect();
  }
  return { kafka, contracts: loadContract(), registry: createRegistry(config) };
}
