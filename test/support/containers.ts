/**
 * The same services as stack/, started with testcontainers where a Docker engine exists
 * (AIRLOCK_TEST_SERVICES=testcontainers). The images match the versions stack/ runs.
 * Not exercised on machines without Docker (docs/operations.md). Containers are removed by
 * testcontainers' reaper when the test process exits.
 */
import { GenericContainer, Wait } from 'testcontainers';
import type { Services } from './endpoints.ts';

export async function startContainers(): Promise<Services> {
  const kafkaPort = 19092;
  const [, registry, redis] = await Promise.all([
    // Fixed host port: the broker must advertise an address the tests can reach.
    new GenericContainer('apache/kafka:3.9.2')
      .withExposedPorts({ container: 9092, host: kafkaPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
    new GenericContainer('apicurio/apicurio-registry:3.0.9')
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
      .start(),
    new GenericContainer('redis:7.4')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept/))
      .start(),
  ]);
  return {
    brokers: [`127.0.0.1:${kafkaPort}`],
    registryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    python: process.env.AIRLOCK_STACK_PYTHON,
  };
}
