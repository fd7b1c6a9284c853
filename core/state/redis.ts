/**
 * Shared state in Redis. Fail closed (DESIGN.md step 12): no offline queue, a short command
 * timeout, no retries per request, so a Redis outage answers 503 at once instead of accepting
 * revoked tokens or publishing duplicates.
 */
import { Redis } from 'ioredis';
import { AirlockError } from '../errors.ts';
import {
  type IdempotencyRecord,
  idempotencyKey,
  judgeIdempotency,
  revokedKey,
  type StateStore,
} from './store.ts';

export function createRedisStore(url: string, commandTimeoutMs = 500): StateStore {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', () => undefined); // reported per command as REDIS_UNAVAILABLE
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (cause) {
      throw new AirlockError('REDIS_UNAVAILABLE', `Redis: ${what} failed`, { cause });
    }
  };
  return {
    kind: 'redis',
    isRevoked: (issuer, jti) =>
      call('revocation check', async () => (await redis.exists(revokedKey(issuer, jti))) === 1),
    revoke: (issuer, jti, until) =>
      call('revoke', async () => {
        await redis.set(
          revokedKey(issuer, jti),
          '1',
          'EXAT',
          Math.max(until, Math.floor(Date.now() / 1000) + 1),
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
