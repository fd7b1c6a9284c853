/**
 * A batch fenced before a rebalance must not commit after it with a new, unchecked producer: that
 * producer would fence the partition's new owner without re-reading the group's offsets, and commit
 * a batch the new owner may have committed already (a duplicate seen once in a rebalance test).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin, Kafka, Message } from 'kafkajs';
import { pino } from 'pino';
import {
  OUTPUT_BATCH_BYTES,
  PartitionReleasedError,
  partitionProducers,
  stableOffset,
} from '../../../../core/consumer/partition-producers.ts';

function fakes() {
  const made: string[] = [];
  /** The group's committed offset of partition 0 as the broker answers it (stable). */
  const group = { offset: '0', fetches: 0 };
  const seeks: string[] = [];
  const committed: string[] = [];
  /** Each send of a transaction: its topics, each with its messages' values. */
  const sends: { topic: string; partitions: (number | undefined)[]; values: string[] }[][] = [];
  const kafka = {
    producer: ({ transactionalId }: { transactionalId: string }) => {
      made.push(transactionalId);
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        transaction: async () => ({
          abort: async () => undefined,
          sendBatch: async ({
            topicMessages,
          }: {
            topicMessages: { topic: string; messages: Message[] }[];
          }) => {
            sends.push(
              topicMessages.map((t) => ({
                topic: t.topic,
                partitions: [...new Set(t.messages.map((m) => m.partition))],
                values: t.messages.map((m) => String(m.value)),
              })),
            );
            return [];
          },
          sendOffsets: async ({ topics }: { topics: { partitions: { offset: string }[] }[] }) => {
            committed.push(topics[0]?.partitions[0]?.offset ?? '');
          },
          commit: async () => undefined,
        }),
      };
    },
  } as unknown as Kafka;
  const admin = {
    fetchOffsets: async () => {
      group.fetches++;
      return [{ topic: 't', partitions: [{ partition: 0, offset: group.offset }] }];
    },
    // Every output topic has three partitions, all led by broker 1.
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({
        name,
        partitions: [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1 })),
      })),
    }),
  } as unknown as Admin;
  const producers = partitionProducers({
    kafka,
    admin,
    logger: pino({ level: 'silent' }),
    groupId: 'g',
    inputTopic: 't',
    transactionalIdPrefix: 'x',
    seek: (_partition, offset) => seeks.push(offset),
  });
  return { producers, made, committed, sends, group, seeks };
}

describe('partition producers', () => {
  it('commits with the producer fenced for the batch', async () => {
    const { producers, made, committed } = fakes();
    assert.equal(await producers.ensureFenced(0, '0'), true);
    await producers.commit(0, [], '5');
    assert.deepEqual(committed, ['5']);
    assert.equal(made.length, 1);
  });

  it('refuses to commit once the partition was released between fence and commit, and makes no producer', async () => {
    const { producers, made, committed } = fakes();
    assert.equal(await producers.ensureFenced(0, '0'), true);
    producers.keepOnly(new Set()); // a rebalance took partition 0
    await assert.rejects(producers.commit(0, [], '5'), PartitionReleasedError);
    assert.deepEqual(committed, []);
    assert.equal(made.length, 1, 'no new producer fenced the new owner');
    // Back through ensureFenced (the caller's retry): a new producer, fenced and checked.
    assert.equal(await producers.ensureFenced(0, '0'), true);
    await producers.commit(0, [], '5');
    assert.deepEqual(committed, ['5']);
    assert.equal(made.length, 2);
  });
});

describe('a batch committed already, delivered again (issue #18, the fault suite)', () => {
  it('after a rebalance the partition kept checks the group’s stable offset again before its next batch', async () => {
    const { producers, committed, group, seeks } = fakes();
    assert.equal(await producers.ensureFenced(0, '0'), true);
    await producers.commit(0, [], '7');
    group.offset = '7';
    producers.keepOnly(new Set([0])); // a rebalance; this process keeps partition 0
    const before = group.fetches;
    // kafkajs started the partition again from an offset read before the commit was applied.
    assert.equal(await producers.ensureFenced(0, '0'), false);
    assert.deepEqual(seeks, ['7']);
    assert.equal(group.fetches, before, 'known without asking: this process committed up to 7');
    // Where it should: checked once against the group (stable), then the fast path.
    assert.equal(await producers.ensureFenced(0, '7'), true);
    assert.equal(group.fetches, before + 1);
    assert.equal(await producers.ensureFenced(0, '7'), true);
    assert.equal(group.fetches, before + 1);
    assert.deepEqual(committed, ['7']);
  });

  it('after a rebalance, a batch below what another owner committed meanwhile is re-fetched', async () => {
    const { producers, group, seeks } = fakes();
    assert.equal(await producers.ensureFenced(0, '0'), true);
    group.offset = '12';
    producers.keepOnly(new Set([0]));
    assert.equal(await producers.ensureFenced(0, '3'), false);
    assert.deepEqual(seeks, ['12']);
  });

  it('without a rebalance, contiguous batches ask the broker nothing', async () => {
    const { producers, group } = fakes();
    assert.equal(await producers.ensureFenced(0, '0'), true);
    const after = group.fetches;
    await producers.commit(0, [], '5');
    assert.equal(await producers.ensureFenced(0, '6'), true); // 5: a control record
    await producers.commit(0, [], '9');
    assert.equal(await producers.ensureFenced(0, '9'), true);
    assert.equal(group.fetches, after);
  });
});

describe('a transaction’s outputs', () => {
  it('go in sends of one partition each, of at most OUTPUT_BATCH_BYTES, every output once and in order', async () => {
    const { producers, sends, committed } = fakes();
    await producers.ensureFenced(0, '0');
    // 3,000 outputs of ~500 bytes over two topics and three keys: ~1.5 MB, more than one record
    // batch may take, and six topic-partitions.
    const keys = ['D-AIBL', 'N123AZ', 'G-EUPT'];
    const outputs = Array.from({ length: 3000 }, (_, i) => ({
      topic: i % 3 === 0 ? 'dlq' : 'validated',
      message: { key: keys[(i % 7) % 3] ?? '', value: `${String(i).padStart(6, '0')}${'x'.repeat(460)}` },
    }));
    await producers.commit(0, outputs, '3000');
    assert.ok(sends.length >= 6, `${sends.length} sends`);
    for (const send of sends) {
      assert.equal(send.length, 1, 'one topic per send');
      assert.equal(send[0]?.partitions.length, 1, 'one partition per send');
      const bytes = send.reduce((n, t) => n + t.values.reduce((m, v) => m + v.length + 32 + 6, 0), 0);
      assert.ok(bytes <= OUTPUT_BATCH_BYTES, `a send of ${bytes} bytes`);
    }
    // The partition is the default partitioner's (murmur2 of the key), the same for one key.
    const partitionOf = new Map<string, number | undefined>();
    for (const send of sends)
      for (const t of send)
        for (const v of t.values) {
          const key = outputs[Number(v.slice(0, 6))]?.message.key ?? '';
          const seen = partitionOf.get(`${t.topic}/${key}`);
          assert.ok(seen === undefined || seen === t.partitions[0], `${key} in one partition of ${t.topic}`);
          partitionOf.set(`${t.topic}/${key}`, t.partitions[0]);
        }
    for (const topic of ['validated', 'dlq'])
      for (const key of keys) {
        const got = sends.flatMap((send) =>
          send
            .filter((t) => t.topic === topic)
            .flatMap((t) => t.values)
            .filter((v) => outputs[Number(v.slice(0, 6))]?.message.key === key),
        );
        const want = outputs
          .filter((o) => o.topic === topic && o.message.key === key)
          .map((o) => o.message.value);
        assert.deepEqual(got, want, `${topic} ${key}: every output once, in order`);
      }
    assert.equal(
      sends.flat().reduce((n, t) => n + t.values.length, 0),
      3000,
    );
    assert.deepEqual(committed, ['3000'], 'one transaction');
  });

  it('a batch with no outputs sends nothing and commits its offset', async () => {
    const { producers, sends, committed } = fakes();
    await producers.ensureFenced(0, '0');
    await producers.commit(0, [], '7');
    assert.deepEqual(sends, []);
    assert.deepEqual(committed, ['7']);
  });
});

describe('stableOffset', () => {
  const unstable = () =>
    Object.assign(new Error('There are unstable offsets'), { type: 'UNSTABLE_OFFSET_COMMIT' });
  const answering = (...answers: (string | Error)[]) => {
    const asked: boolean[] = [];
    const admin = {
      fetchOffsets: async ({ requireStable }: { requireStable?: boolean }) => {
        asked.push(requireStable === true);
        const a = answers.shift();
        if (a instanceof Error) throw a;
        return [{ topic: 't', partitions: [{ partition: 1, offset: a }] }];
      },
    } as unknown as Admin;
    return { admin, asked };
  };

  it('asks for stable offsets, and asks again while a transaction’s offsets are pending', async () => {
    const { admin, asked } = answering(unstable(), unstable(), '42');
    assert.equal(await stableOffset(admin, 'g', 't', 1), '42');
    assert.deepEqual(asked, [true, true, true]);
  });

  it('fails at once on any other error, and after its wait while the offsets stay pending', async () => {
    await assert.rejects(
      stableOffset(answering(new Error('broker down'), '1').admin, 'g', 't', 1),
      /broker down/,
    );
    const pending = answering(...Array.from({ length: 50 }, unstable));
    await assert.rejects(stableOffset(pending.admin, 'g', 't', 1, 100), /unstable offsets/);
    assert.ok(pending.asked.length >= 2 && pending.asked.length < 50, String(pending.asked.length));
  });

  it('answers -1 for a partition the group never committed', async () => {
    const admin = { fetchOffsets: async () => [{ topic: 't', partitions: [] }] } as unknown as Admin;
    assert.equal(await stableOffset(admin, 'g', 't', 0), '-1');
  });
});
