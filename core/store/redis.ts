/**
 * Shared state in Redis. Fail closed (DESIGN.md step 12): no offline queue, a short command
 * timeout, no retries per request, so a Redis outage answers 503 at once instead of accepting
 * revoked tokens or publishing duplicates.
 */

import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { type Redis as LimiterRedis, RedisSlidingWindowRateLimiter } from 'sliding-window-rate-limiter';
import { MAX_CLOCK_TOLERANCE_S } from '../config/schema.ts';
import { AirlockError } from '../errors.ts';
import { createLocalStore } from './local.ts';
import { quotaCounters } from './quota.ts';
import {
  decision,
  type IdempotencyRecord,
  idempotencyKey,
  judgeIdempotency,
  revokedKey,
  type StateStore,
} from './store.ts';

const EXTEND_IN_FLIGHT = `local v = redis.call('GET', KEYS[1])
if v and string.find(v, '"state":"in-flight"', 1, true) then return redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0`;

/** `keyPrefix` separates deployments (and tests) that share one Redis. */
export function createRedisStore(url: string, commandTimeoutMs = 500, keyPrefix = 'airlock'): StateStore {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    keyPrefix: `${keyPrefix}:`,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    // Commands issued in one event-loop tick go out in one write (issue #14 §1): under load the
    // revocation checks and rate-limit scripts of concurrent requests share round trips and
    // syscalls. Each command keeps its own reply, timeout and failure.
    enableAutoPipelining: true,
  });
  redis.on('error', () => undefined); // reported per command as REDIS_UNAVAILABLE
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (cause) {
      throw new AirlockError('REDIS_UNAVAILABLE', `Redis: ${what} failed`, { cause });
    }
  };
  // sliding-window-rate-limiter: a sliding-window log per key, one Lua script per request, Redis's
  // clock as the only clock. It defines its commands on our client, so it shares its fail-closed
  // settings; one limiter per window length.
  const windows = new Map<number, RedisSlidingWindowRateLimiter>();
  const window = (ms: number) => {
    let w = windows.get(ms);
    if (!w) {
      w = new RedisSlidingWindowRateLimiter({
        redis: redis as unknown as LimiterRedis,
        interval: ms,
        operationTimeout: commandTimeoutMs,
      });
      windows.set(ms, w);
    }
    return w;
  };
  // Quotas (core/store/quota.ts) on the same client, so the same fail-closed settings; keys quota:*.
  const quotas = quotaCounters(
    (points, duration) => new RateLimiterRedis({ storeClient: redis, points, duration, keyPrefix: 'quota' }),
  );
  return {
    kind: 'redis',
    rateLimit: (key, limit, windowMs) =>
      call('rate limit', async () => decision(limit, await window(windowMs).reserve(`rl:${key}`, limit))),
    takeQuota: (key, count, limit, windowMs) => call('quota', () => quotas.take(key, count, limit, windowMs)),
    refundQuota: (key, count, limit, windowMs) =>
      call('quota refund', () => quotas.refund(key, count, limit, windowMs)),
    isRevoked: (issuer, jti) =>
      call('revocation check', async () => (await redis.exists(revokedKey(issuer, jti))) === 1),
    revoke: (issuer, jti, until) =>
      call('revoke', async () => {
        await redis.set(
          revokedKey(issuer, jti),
          '1',
          'EXAT',
          Math.max(until + MAX_CLOCK_TOLERANCE_S, Math.floor(Date.now() / 1000) + 1),
        );
      }),
    beginIdempotent: (scope, key, bodyHash, ttlMs) =>
      call('idempotency', async () => {
        const k = idempotencyKey(scope, key);
        const fresh: IdempotencyRecord = { state: 'in-flight', body: bodyHash };
        for (let attempt = 0; attempt < 2; attempt++) {
          if ((await redis.set(k, JSON.stringify(fresh), 'PX', ttlMs, 'NX')) === 'OK')
            return { state: 'new' as const };
          const raw = await redis.get(k);
          if (raw !== null) return judgeIdempotency(JSON.parse(raw) as IdempotencyRecord, bodyHash);
          // Expired between SET NX and GET: claim it again.
        }
        return { state: 'in-flight' as const };
      }),
    completeIdempotent: (scope, key, bodyHash, answer, ttlMs) =>
      call('idempotency', async () => {
        const rec: IdempotencyRecord = { state: 'done', body: bodyHash, answer };
        await redis.set(idempotencyKey(scope, key), JSON.stringify(rec), 'PX', ttlMs);
      }),
    extendIdempotent: (scope, key, ttlMs) =>
      call('idempotency', async () => {
        // Atomic: only a marker still in flight is extended (a late heartbeat must not shorten
        // the TTL of an answer stored meanwhile).
        await redis.eval(EXTEND_IN_FLIGHT, 1, idempotencyKey(scope, key), String(ttlMs));
      }),
    abandonIdempotent: (scope, key) =>
      call('idempotency', async () => {
        await redis.del(idempotencyKey(scope, key));
      }),
    connect: async () => {
      await redis.connect();
    },
    ping: async () => {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

/** The state store a process uses: Redis when configured, else in-process (one instance only). */
export function stateStoreFor(config: {
  redis: { url?: string | undefined; commandTimeoutMs: number; keyPrefix: string };
}): StateStore {
  return config.redis.url
    ? createRedisStore(config.redis.url, config.redis.commandTimeoutMs, config.redis.keyPrefix)
    : createLocalStore();
}
