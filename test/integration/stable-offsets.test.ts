/**
 * KIP-447's stable offsets against the real broker, through the project's kafkajs patch (OffsetFetch
 * v7 with `require_stable`, patches/kafkajs+2.2.4.patch): while a transaction that commits a group's
 * offset is open, a plain fetch answers the older offset — the window in which a partition's new
 * owner would process again what its fenced owner committed (#11) — and a stable fetch refuses
 * (UNSTABLE_OFFSET_COMMIT) until the transaction is settled, then answers its offset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { stableOffset } from '../../core/consumer/partition-producers.ts';
import { createTopicsWithLeaders } from '../../core/kafka/topics.ts';
import { testKafka, uid } from '../support/kafka.ts';
import { services } from '../support/services.ts';

describe('stable group offsets (OffsetFetch v7, require_stable)', () => {
  const id = uid();
  const topic = `airlock.test.stable-offsets.${id}`;
  const groupId = `airlock-test-stable-offsets-${id}`;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    kafka = testKafka(await services());
    admin = kafka.admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: 2 }]);
    producer = kafka.producer({
      transactionalId: `airlock-test-stable-${id}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  const commitOffset = (offset: string) => ({
    consumerGroupId: groupId,
    topics: [{ topic, partitions: [{ partition: 1, offset }] }],
  });

  it('a pending transactional offset: the plain fetch answers the old one, the stable fetch refuses, then answers the new one', async () => {
    let tx = await producer.transaction();
    await tx.sendOffsets(commitOffset('5'));
    await tx.commit();
    assert.equal(await stableOffset(admin, groupId, topic, 1), '5');

    tx = await producer.transaction();
    await tx.sendOffsets(commitOffset('9'));
    const [plain] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(plain?.partitions.find((p) => p.partition === 1)?.offset, '5');
    await assert.rejects(admin.fetchOffsets({ groupId, topics: [topic], requireStable: true }), {
      type: 'UNSTABLE_OFFSET_COMMIT',
    });
    // The other partition has nothing pending: a stable fetch of the topic is refused as a whole,
    // and answers once the transaction is settled.
    let answered = false;
    const settled = stableOffset(admin, groupId, topic, 0).finally(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answered, false, 'a stable fetch answered while the transaction was open');
    await tx.commit();
    assert.equal(await settled, '-1');
    assert.equal(await stableOffset(admin, groupId, topic, 1), '9');
  });

  it('an aborted transaction’s offset is never answered', async () => {
    const tx = await producer.transaction();
    await tx.sendOffsets(commitOffset('77'));
    await tx.abort();
    assert.equal(await stableOffset(admin, groupId, topic, 1), '9');
  });
});
