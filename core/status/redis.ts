/** Record status in Redis: a list of events and an owner per trace id, expiring after retention. */
import { Redis } from 'ioredis';
import { inStageOrder, type StatusEvent, type StatusStore, type StatusTimeline } from './status.ts';

export function createRedisStatusStore(opts: {
  url: string;
  keyPrefix: string;
  retentionMs: number;
  flushMs?: number;
  onError?: (err: unknown) => void;
}): StatusStore {
  const redis = new Redis(opts.url, {
    keyPrefix: `${opts.keyPrefix}:`,
    maxRetriesPerRequest: 2,
    lazyConnect: false,
  });
  redis.on('error', () => undefined);
  let pending: { traceId: string; event: StatusEvent; owner: string | undefined }[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return writing;
    const multi = redis.pipeline();
    for (const { traceId, event, owner } of batch) {
      multi.rpush(`status:${traceId}`, JSON.stringify(event));
      multi.pexpire(`status:${traceId}`, opts.retentionMs);
      if (owner !== undefined) multi.set(`status-owner:${traceId}`, owner, 'PX', opts.retentionMs);
    }
    // Status is advisory: a failed write is logged, never retried on the hot path.
    writing = writing.then(() =>
      multi.exec().then(
        () => undefined,
        (err: unknown) => opts.onError?.(err),
      ),
    );
    return writing;
  };
  const timer = setInterval(() => void flush(), opts.flushMs ?? 100);
  timer.unref();
  return {
    record(traceId, event, owner) {
      pending.push({ traceId, event, owner });
      if (pending.length >= 500) void flush();
    },
    async read(traceId): Promise<StatusTimeline | undefined> {
      await flush();
      const [events, owner] = await Promise.all([
        redis.lrange(`status:${traceId}`, 0, -1),
        redis.get(`status-owner:${traceId}`),
      ]);
      if (events.length === 0) return undefined;
      return {
        traceId,
        owner: owner ?? undefined,
        events: inStageOrder(events.map((e) => JSON.parse(e) as StatusEvent)),
      };
    },
    flush: async () => flush(),
    async close() {
      clearInterval(timer);
      await flush();
      redis.disconnect();
    },
  };
}

/** In one process only (no Redis): a single-instance development setup. */
export function createLocalStatusStore(retentionMs: number): StatusStore {
  const timelines = new Map<string, StatusTimeline & { expiresAt: number }>();
  return {
    record(traceId, event, owner) {
      const t = timelines.get(traceId) ?? { traceId, owner: undefined, events: [], expiresAt: 0 };
      t.events.push(event);
      t.owner ??= owner;
      t.expiresAt = Date.now() + retentionMs;
      timelines.set(traceId, t);
    },
    async read(traceId) {
      const t = timelines.get(traceId);
      if (!t || t.expiresAt < Date.now()) return undefined;
      return { traceId: t.traceId, owner: t.owner, events: inStageOrder(t.events) };
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

/** The status store a stage uses: Redis when configured, else in-process. */
export function statusStoreFor(
  config: { redis: { url?: string | undefined; keyPrefix: string }; statusRetentionMs: number },
  onError?: (err: unknown) => void,
): StatusStore {
  if (!config.redis.url) return createLocalStatusStore(config.statusRetentionMs);
  return createRedisStatusStore({
    url: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    retentionMs: config.statusRetentionMs,
    ...(onError ? { onError } : {}),
  });
}
