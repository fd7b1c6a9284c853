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
  const committed: string[] = [];
  /** Each send of a transaction: its topics, each with its messages' values. */
  const sends: { topic: string; values: string[] }[][] = [];
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
              topicMessages.map((t) => ({ topic: t.topic, values: t.messages.map((m) => String(m.value)) })),
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
    fetchOffsets: async () => [{ topic: 't', partitions: [{ partition: 0, offset: '0' }] }],
  } as unknown as Admin;
  const producers = partitionProducers({
    kafka,
    admin,
    logger: pino({ level: 'silent' }),
    groupId: 'g',
    inputTopic: 't',
    transactionalIdPrefix: 'x',
    seek: () => undefined,
  });
  return { producers, made, committed, sends };
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

describe('a transaction’s outputs', () => {
  it('go in sends of at most OUTPUT_BATCH_BYTES, in order, grouped by topic within each send', async () => {
    const { producers, sends, committed } = fakes();
    await producers.ensureFenced(0, '0');
    // 3,000 outputs of ~500 bytes over two topics: ~1.5 MB, more than one record batch may take.
    const outputs = Array.from({ length: 3000 }, (_, i) => ({
      topic: i % 3 === 0 ? 'dlq' : 'validated',
      message: { key: 'D-AIBL', value: `${String(i).padStart(6, '0')}${'x'.repeat(460)}` },
    }));
    await producers.commit(0, outputs, '3000');
    assert.ok(sends.length >= 6, `${sends.length} sends`);
    for (const send of sends) {
      const bytes = send.reduce((n, t) => n + t.values.reduce((m, v) => m + v.length + 32 + 6, 0), 0);
      assert.ok(bytes <= OUTPUT_BATCH_BYTES, `a send of ${bytes} bytes`);
      assert.equal(new Set(send.map((t) => t.topic)).size, send.length, 'one entry per topic in a send');
    }
    for (const topic of ['validated', 'dlq']) {
      const got = sends.flatMap((send) => send.filter((t) => t.topic === topic).flatMap((t) => t.values));
      const want = outputs.filter((o) => o.topic === topic).map((o) => o.message.value);
      assert.deepEqual(got, want, `${topic}: every output once, in order`);
    }
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
