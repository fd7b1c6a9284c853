/**
 * Airlock's read_committed readers depend on a fix to kafkajs 2.2.4 (patches/kafkajs+2.2.4.patch,
 * applied by `npm ci` through patch-package): its filter of aborted records activated at most one
 * aborted transaction per record and trusted the broker's list to be ordered by first offset, so a
 * fetch that started inside overlapping aborted transactions delivered aborted records as committed
 * (issue #11, ADR 0007). Every Kafka client Airlock makes checks the installed filter first and
 * refuses to start without the fix: a reader that may see aborted records must not run.
 */
import { createRequire } from 'node:module';

interface FilterRecord {
  offset: string;
  key: Buffer | null;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}

export type AbortedFilter = (input: {
  messages: FilterRecord[];
  abortedTransactions: { firstOffset: string; producerId: string }[];
}) => FilterRecord[];

const ABORT = Buffer.from([0, 0, 0, 0]);

/** A record of producer `producerId`'s transaction: data, or its abort marker (a control record). */
const record = (offset: number, producerId: string, abort = false): FilterRecord => ({
  offset: String(offset),
  key: abort ? ABORT : Buffer.from('k'),
  isControlRecord: abort,
  batchContext: { producerId, inTransaction: true },
});
const data = (offset: number, producerId: string) => record(offset, producerId);
const abortMarker = (offset: number, producerId: string) => record(offset, producerId, true);

/**
 * Fetches whose every data record belongs to an aborted transaction, in the two shapes the
 * unpatched filter got wrong. Producer 1's transaction began at offset 10 and is aborted at 40;
 * producer 2's began at 30 and is aborted at 35, so the broker lists 2's first (its marker was
 * written first).
 */
export const ABORTED_FETCHES: readonly { name: string; fetch: Parameters<AbortedFilter>[0] }[] = [
  {
    name: 'a fetch that starts at the first record of an aborted transaction overlapped by an earlier one',
    fetch: {
      messages: [data(30, '2'), data(31, '1'), abortMarker(35, '2'), abortMarker(40, '1')],
      abortedTransactions: [
        { firstOffset: '10', producerId: '1' },
        { firstOffset: '30', producerId: '2' },
      ],
    },
  },
  {
    name: 'a fetch whose aborted transactions are listed in the order of their markers',
    fetch: {
      messages: [data(15, '1'), data(30, '2'), abortMarker(35, '2'), abortMarker(40, '1')],
      abortedTransactions: [
        { firstOffset: '30', producerId: '2' },
        { firstOffset: '10', producerId: '1' },
      ],
    },
  },
];

/** The offsets of the aborted data records `filter` lets through (none, when it is right). */
export function leakedOffsets(filter: AbortedFilter): string[] {
  return ABORTED_FETCHES.flatMap(({ fetch }) =>
    filter(fetch)
      .filter((m) => !m.isControlRecord)
      .map((m) => m.offset),
  );
}

export function installedFilter(): AbortedFilter {
  return createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages.js') as AbortedFilter;
}

const safe = new WeakSet<AbortedFilter>();

/** Throws unless the installed kafkajs hides aborted records in the shapes above. */
export function assertReadCommittedSafe(filter: AbortedFilter = installedFilter()): void {
  if (safe.has(filter)) return;
  const leaked = leakedOffsets(filter);
  if (leaked.length > 0) {
    throw new Error(
      `kafkajs delivers aborted records to read_committed readers (offsets ${leaked.join(', ')} of its self-test): ` +
        'Airlock needs patches/kafkajs+2.2.4.patch; run `npm ci` (its prepare script applies it with patch-package) ' +
        'or `npx patch-package` after an install with --ignore-scripts',
    );
  }
  safe.add(filter);
}

/** The OffsetFetch versions the installed kafkajs implements (the patch adds 7, KIP-447's `require_stable`). */
export function installedOffsetFetchVersions(): string[] {
  return (
    createRequire(import.meta.url)('kafkajs/src/protocol/requests/offsetFetch/index.js') as {
      versions: string[];
    }
  ).versions;
}

/**
 * Throws unless the installed kafkajs can ask for stable offsets: without it, `fetchOffsets`
 * ignores `requireStable`, and a partition's new owner may read an offset its fenced owner's
 * committed transaction has already moved (core/consumer/partition-producers.ts).
 */
export function assertStableOffsetsSupported(
  versions: readonly string[] = installedOffsetFetchVersions(),
): void {
  if (versions.includes('7')) return;
  throw new Error(
    `kafkajs implements OffsetFetch ${versions.join(', ')} only, without require_stable (v7): ` +
      'Airlock needs patches/kafkajs+2.2.4.patch; run `npm ci` (its prepare script applies it with patch-package) ' +
      'or `npx patch-package` after an install with --ignore-scripts',
  );
}
