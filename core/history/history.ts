/**
 * History stores (DESIGN.md "History stores"): per input partition, named key → JSON value maps
 * that a consumer stage reads while it judges a record, each backed by a compacted changelog topic
 * co-partitioned with the input topic (`<prefix><store>.v1`, partition p holds input partition p's
 * entries). A batch's updates are staged over the partition's committed state, written to the
 * changelogs by the batch's own transaction (with its outputs and input offset) and applied to the
 * local copy only once that transaction committed — the Kafka Streams model: the changelog is the
 * truth, the local copy a cache of it that is rebuilt whenever it may differ (a partition newly
 * fenced, taken over, or a batch committed record by record). Nothing here knows what a store
 * means: the rules do (rules/history.ts). docs/adr/0008-history-stores.md.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { OutputRecord } from '../consumer/partition-producers.ts';
import { caughtUp, partitionKey } from '../kafka/catch-up.ts';
import type { Logger } from '../logger.ts';

/** A read of the history as the record being judged sees it: committed state plus its batch's. */
export interface HistoryRead {
  get(store: string, key: string): unknown;
}

/** One batch's staged updates over a partition's committed state. */
export interface HistoryBatch extends HistoryRead {
  readonly partition: number;
  /** Stages a value (null deletes the key); returns the changelog record to send with the outputs. */
  put(store: string, key: string, value: unknown): OutputRecord;
}

export interface HistoryStores {
  readonly stores: readonly string[];
  /** The changelog topic of a store. */
  topic(store: string): string;
  /** The partition's stores, restored from their changelogs unless this process holds them already. */
  ensure(partition: number, heartbeat?: () => Promise<void>): Promise<void>;
  /** A batch over the partition's state (ensure() first). */
  begin(partition: number): HistoryBatch;
  /** The batch's transaction committed: its updates become the partition's state. */
  applied(batch: HistoryBatch): void;
  /**
   * The outputs with only the last changelog record of each history key (what a restore keeps);
   * every other output stays, in order.
   */
  coalesce(outputs: readonly OutputRecord[]): OutputRecord[];
  /** The local copy may differ from the changelog: restored again before the partition's next batch. */
  invalidate(partition: number): void;
  /** Drops the partitions this process no longer owns. */
  keepOnly(owned: ReadonlySet<number>): void;
  /** Entries per store of a partition held now (undefined: not restored). */
  entries(partition: number): Record<string, ReadonlyMap<string, unknown>> | undefined;
  /** Partitions restored and held, and the duration of the last restore (readiness, metrics). */
  readonly held: readonly number[];
  readonly restoring: readonly number[];
  readonly lastRestore: { partition: number; entries: number; ms: number } | undefined;
}

/**
 * One store of one partition. A store with an expiry also keeps each key's write time (the
 * changelog record's timestamp, or the commit's) in write order, so that entries past it are
 * dropped from the head as they age — the idempotency pairs of a busy sensor fleet must not grow
 * the heap for ever. (Their changelog is `compact,delete` for the same reason: core/kafka/topics.ts.)
 */
class StoreMap {
  readonly values = new Map<string, unknown>();
  private readonly written: Map<string, number> | undefined;
  private readonly expiresAfterMs: number | undefined;
  constructor(expiresAfterMs?: number) {
    this.expiresAfterMs = expiresAfterMs;
    this.written = expiresAfterMs === undefined ? undefined : new Map();
  }
  set(key: string, value: unknown, at: number) {
    if (value === null) {
      this.values.delete(key);
      this.written?.delete(key);
      return;
    }
    this.values.set(key, value);
    if (this.written) {
      this.written.delete(key);
      this.written.set(key, at);
    }
  }
  /** Drops the entries written before `now − expiresAfterMs` (oldest first). */
  prune(now: number) {
    if (!this.written || this.expiresAfterMs === undefined) return;
    const cutoff = now - this.expiresAfterMs;
    for (const [key, at] of this.written) {
      if (at >= cutoff) break;
      this.written.delete(key);
      this.values.delete(key);
    }
  }
}

type PartitionState = Map<string, StoreMap>;

export interface HistoryOptions {
  kafka: Kafka;
  logger: Logger;
  stores: readonly string[];
  /** `<prefix><store>.v1` is a store's changelog topic. */
  topicPrefix: string;
  /** Consumer groups of the restores are `<groupPrefix><uuid>` (nothing is committed). */
  groupPrefix: string;
  /** Stores whose entries are forgotten this long after they were written (locally; by age). */
  expiresAfterMs?: Readonly<Record<string, number>>;
}

export const historyTopic = (prefix: string, store: string) => `${prefix}${store}.v1`;

const encode = (value: unknown): Buffer | null =>
  value === null || value === undefined ? null : Buffer.from(JSON.stringify(value), 'utf8');

export function createHistory(opts: HistoryOptions): HistoryStores {
  const { kafka, logger, stores } = opts;
  const topicOf = new Map(stores.map((s) => [s, historyTopic(opts.topicPrefix, s)]));
  const storeOf = new Map([...topicOf].map(([s, t]) => [t, s]));
  const held = new Map<number, PartitionState>();
  const restoring = new Map<number, Promise<void>>();
  let lastRestore: HistoryStores['lastRestore'];

  const topic = (store: string) => {
    const t = topicOf.get(store);
    if (t === undefined) throw new Error(`no history store "${store}"`);
    return t;
  };

  /** Reads partition p of every changelog from its start to the end it has now (read_committed). */
  const restore = async (partition: number, heartbeat?: () => Promise<void>): Promise<PartitionState> => {
    const started = Date.now();
    const state: PartitionState = new Map(stores.map((s) => [s, new StoreMap(opts.expiresAfterMs?.[s])]));
    const admin = kafka.admin();
    const ends = new Map<string, bigint>();
    /** Per changelog holding entries of p: its other partitions (paused, never read). */
    const others = new Map<string, number[]>();
    await admin.connect();
    try {
      for (const t of topicOf.values()) {
        const offsets = await admin.fetchTopicOffsets(t);
        const o = offsets.find((x) => x.partition === partition);
        if (!o) throw new Error(`history changelog ${t} has no partition ${partition}`);
        if (BigInt(o.high) > BigInt(o.low)) {
          ends.set(partitionKey(t, partition), BigInt(o.high));
          others.set(
            t,
            offsets.map((x) => x.partition).filter((x) => x !== partition),
          );
        }
      }
    } finally {
      await admin.disconnect();
    }
    if (ends.size > 0) {
      const consumer = kafka.consumer({
        groupId: `${opts.groupPrefix}${randomUUID()}`,
        readUncommitted: false,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 200,
        maxBytesPerPartition: 4 * 1024 * 1024,
      });
      const done = caughtUp(consumer, ends);
      // The partition's batch waits for the restore: its consumer keeps its group membership.
      const beating = heartbeat && setInterval(() => void heartbeat().catch(() => undefined), 1000);
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [...others.keys()], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.partition !== partition) return;
            const map = state.get(storeOf.get(batch.topic) ?? '');
            if (!map) return;
            for (const m of batch.messages) {
              const key = m.key?.toString('utf8');
              if (key === undefined) continue;
              map.set(
                key,
                m.value === null ? null : JSON.parse(m.value.toString('utf8')),
                Number(m.timestamp),
              );
            }
          },
        });
        // Only partition p is needed: the changelogs' other partitions are paused.
        consumer.pause([...others].map(([t, partitions]) => ({ topic: t, partitions })));
        await done;
      } finally {
        clearInterval(beating || undefined);
        await consumer.disconnect().catch(() => undefined);
      }
    }
    for (const m of state.values()) m.prune(Date.now());
    const entries = [...state.values()].reduce((n, m) => n + m.values.size, 0);
    lastRestore = { partition, entries, ms: Date.now() - started };
    logger.info({ partition, entries, ms: lastRestore.ms }, 'history restored');
    return state;
  };

  return {
    stores,
    topic,
    async ensure(partition, heartbeat) {
      if (held.has(partition)) return;
      let p = restoring.get(partition);
      if (!p) {
        p = restore(partition, heartbeat)
          .then((state) => {
            held.set(partition, state);
          })
          .finally(() => restoring.delete(partition));
        restoring.set(partition, p);
      }
      await p;
    },
    begin(partition) {
      const base = held.get(partition);
      if (!base) throw new Error(`history of partition ${partition} is not restored`);
      const staged = new Map<string, Map<string, unknown>>();
      const batch: HistoryBatch & { staged: typeof staged } = {
        partition,
        staged,
        get(store, key) {
          const s = staged.get(store);
          if (s?.has(key)) return s.get(key) ?? undefined;
          return base.get(store)?.values.get(key);
        },
        put(store, key, value) {
          const t = topic(store);
          const s = staged.get(store) ?? new Map<string, unknown>();
          staged.set(store, s);
          s.set(key, value ?? null);
          return { topic: t, message: { key, value: encode(value), partition } };
        },
      };
      return batch;
    },
    applied(batch) {
      const base = held.get(batch.partition);
      const staged = (batch as HistoryBatch & { staged?: Map<string, Map<string, unknown>> }).staged;
      if (!base || !staged) return;
      const now = Date.now();
      for (const [store, updates] of staged) {
        const map = base.get(store);
        if (!map) continue;
        for (const [key, value] of updates) map.set(key, value, now);
      }
      for (const map of base.values()) map.prune(now);
    },
    coalesce(outputs) {
      const last = new Map<string, number>();
      outputs.forEach((o, i) => {
        if (storeOf.has(o.topic)) last.set(`${o.topic}\u0000${String(o.message.key)}`, i);
      });
      return outputs.filter(
        (o, i) => !storeOf.has(o.topic) || last.get(`${o.topic}\u0000${String(o.message.key)}`) === i,
      );
    },
    invalidate(partition) {
      held.delete(partition);
    },
    keepOnly(owned) {
      for (const partition of held.keys()) if (!owned.has(partition)) held.delete(partition);
    },
    entries(partition) {
      const state = held.get(partition);
      return state ? Object.fromEntries([...state].map(([name, m]) => [name, m.values])) : undefined;
    },
    get held() {
      return [...held.keys()];
    },
    get restoring() {
      return [...restoring.keys()];
    },
    get lastRestore() {
      return lastRestore;
    },
  };
}
