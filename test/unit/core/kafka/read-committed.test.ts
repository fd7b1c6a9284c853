import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ABORTED_FETCHES,
  type AbortedFilter,
  assertReadCommittedSafe,
  assertStableOffsetsSupported,
  installedFilter,
  leakedOffsets,
} from '../../../../core/kafka/read-committed.ts';

/** kafkajs 2.2.4's filter as published, before patches/kafkajs+2.2.4.patch: one activation per record. */
const unpatched: AbortedFilter = ({ messages, abortedTransactions }) => {
  const active = new Set<string>();
  const remaining = [...abortedTransactions];
  return messages.filter((m) => {
    if (remaining.length && BigInt(m.offset) >= BigInt(remaining[0]?.firstOffset ?? 0)) {
      active.add(remaining.shift()?.producerId ?? '');
    }
    const { producerId, inTransaction } = m.batchContext;
    if (m.key && Buffer.from(m.key).equals(Buffer.from([0, 0, 0, 0]))) active.delete(producerId);
    else if (active.has(producerId) && inTransaction) return false;
    return true;
  });
};

describe('kafkajs read_committed filter (patches/kafkajs+2.2.4.patch)', () => {
  it('the installed kafkajs hides every aborted record of the self-test fetches', () => {
    assert.deepEqual(leakedOffsets(installedFilter()), []);
    assert.doesNotThrow(() => assertReadCommittedSafe());
  });

  it('the self-test catches the unpatched filter in both shapes', () => {
    assert.equal(ABORTED_FETCHES.length, 2);
    for (const { name, fetch } of ABORTED_FETCHES) {
      const leaked = unpatched(fetch).filter((m) => !m.isControlRecord);
      assert.equal(leaked.length, 1, name);
    }
    assert.throws(() => assertReadCommittedSafe(unpatched), /patches\/kafkajs\+2\.2\.4\.patch.*npm ci/);
  });

  it('a filter that hides nothing is refused', () => {
    assert.throws(() => assertReadCommittedSafe(({ messages }) => messages), /offsets 30, 31, 15, 30/);
  });

  it('the installed filter keeps committed records interleaved with aborted ones', () => {
    const committed = (offset: number) => ({
      offset: String(offset),
      key: Buffer.from('c'),
      isControlRecord: false,
      batchContext: { producerId: '3', inTransaction: true },
    });
    const fetch = ABORTED_FETCHES[0]?.fetch;
    assert.ok(fetch);
    const messages = [
      ...fetch.messages.slice(0, 2),
      committed(32),
      ...fetch.messages.slice(2),
      committed(41),
    ];
    const kept = installedFilter()({ messages, abortedTransactions: fetch.abortedTransactions })
      .filter((m) => !m.isControlRecord)
      .map((m) => m.offset);
    assert.deepEqual(kept, ['32', '41']);
  });

  it('the installed kafkajs asks for stable offsets (OffsetFetch v7); one without the patch is refused', () => {
    assert.doesNotThrow(() => assertStableOffsetsSupported());
    assert.throws(
      () => assertStableOffsetsSupported(['1', '2', '3', '4']),
      /OffsetFetch 1, 2, 3, 4 only.*patches\/kafkajs\+2\.2\.4\.patch/,
    );
  });
});
