/**
 * The cluster profile of the local stack (issue #18 §1): AIRLOCK_STACK_BROKERS=3 starts three KRaft
 * nodes whose topics are replicated three times with min.insync.replicas=2 and no unclean leader
 * election; with one broker SIGKILLed, a transactional acks=all write still commits (two replicas
 * in sync) and status names the dead broker; down stops all. A private stack on its own ports and
 * folder, so the shared one is untouched.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { createTopicsWithLeaders } from '../../core/kafka/topics.ts';
import { privateStack } from '../support/private-stack.ts';

const cluster = privateStack({
  prefix: 'stack-cluster',
  ports: { kafka: 39092, controller: 39093, registry: 38181, redis: 36479 },
  brokers: 3,
});
const { dir, brokers } = cluster;
const stack = cluster.run;

/** `fn` until it succeeds, for up to `ms`; its last error otherwise. */
async function eventually<T>(fn: () => Promise<T>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('stack/stack.sh with AIRLOCK_STACK_BROKERS=3 (a private cluster on other ports)', () => {
  const kafka = new Kafka({ clientId: 'stack-cluster-test', brokers, logLevel: logLevel.NOTHING });
  after(() => cluster.remove());

  it('up starts three brokers in one cluster and lists them all in the env file', async () => {
    const r = stack('up');
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /started: kafka kafka-2 kafka-3 registry redis/);
    assert.match(
      readFileSync(`${dir}/env`, 'utf8'),
      new RegExp(`AIRLOCK_KAFKA_BROKERS=${brokers.join(',')}\\n`),
    );
    const status = stack('status', { AIRLOCK_STACK_BROKERS: undefined });
    assert.equal(status.status, 0, status.out);
    for (const svc of ['kafka', 'kafka-2', 'kafka-3'])
      assert.match(status.out, new RegExp(`^${svc}\\s+up\\s`, 'm'));
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.deepEqual((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
    } finally {
      await admin.disconnect();
    }
  });

  it('a topic created with the default replication factor has three replicas, min.insync.replicas=2, no unclean election', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await createTopicsWithLeaders(admin, [
        { topic: 'airlock.cluster-check', numPartitions: 3, replicationFactor: -1 },
      ]);
      // Each broker learns of the new topic in its own time (metadata propagates): asked again.
      const { topics } = await eventually(() =>
        admin.fetchTopicMetadata({ topics: ['airlock.cluster-check'] }),
      );
      assert.equal(topics[0]?.partitions.length, 3);
      for (const p of topics[0]?.partitions ?? []) assert.equal(p.replicas.length, 3, JSON.stringify(p));
      const resources = await eventually(
        async () =>
          (
            await admin.describeConfigs({
              resources: [
                {
                  type: 2,
                  name: 'airlock.cluster-check',
                  configNames: ['min.insync.replicas', 'unclean.leader.election.enable'],
                },
              ],
              includeSynonyms: false,
            })
          ).resources,
      );
      const cfg = Object.fromEntries(
        (resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
      );
      assert.deepEqual(cfg, { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' });
    } finally {
      await admin.disconnect();
    }
  });

  it('with one broker killed, a transactional acks=all write commits and status names the dead broker', async () => {
    process.kill(cluster.pid('kafka-3'), 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = stack('status', { AIRLOCK_STACK_BROKERS: undefined });
    assert.notEqual(status.status, 0);
    assert.match(status.out, /^kafka-3\s+dead\s/m);
    assert.match(status.out, /^kafka\s+up\s/m);
    // The controller moves the dead broker's leaderships once its session expires (seconds): the
    // write waits for that, through the two live brokers.
    const live = new Kafka({
      clientId: 'stack-cluster-live',
      brokers: brokers.slice(0, 2),
      logLevel: logLevel.NOTHING,
    });
    const liveAdmin = live.admin();
    await liveAdmin.connect();
    try {
      await eventually(async () => {
        const { topics } = await liveAdmin.fetchTopicMetadata({ topics: ['airlock.cluster-check'] });
        const parts = topics[0]?.partitions ?? [];
        if (parts.length === 0 || parts.some((p) => p.leader === 3 || p.leader < 0 || p.isr.includes(3)))
          throw new Error(`broker 3 still leads or is in sync: ${JSON.stringify(parts)}`);
      }, 60_000);
    } finally {
      await liveAdmin.disconnect();
    }
    const producer = live.producer({
      transactionalId: 'stack-cluster-test',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const tx = await producer.transaction();
      await tx.send({
        topic: 'airlock.cluster-check',
        acks: -1,
        messages: [0, 1, 2].map((n) => ({ key: `k${n}`, value: `v${n}` })),
      });
      await tx.commit();
    } finally {
      await producer.disconnect();
    }
    const admin = live.admin();
    await admin.connect();
    try {
      // Three records and their commit markers, visible to read_committed once the markers are
      // written (the coordinator writes them after the commit is answered).
      await eventually(async () => {
        const offsets = await admin.fetchTopicOffsets('airlock.cluster-check');
        const total = offsets.reduce((n, o) => n + Number(o.high), 0);
        if (total < 3) throw new Error(`committed offsets ${JSON.stringify(offsets)}`);
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('down stops every broker at once', () => {
    const r = stack('down', { AIRLOCK_STACK_BROKERS: undefined });
    assert.equal(r.status, 0, r.out);
    assert.doesNotMatch(r.out, /did not stop/);
    const status = stack('status', { AIRLOCK_STACK_BROKERS: undefined });
    assert.match(status.out, /^kafka\s+down$/m);
  });
});
