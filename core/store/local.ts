/** In-process state for a single ingress instance (no AIRLOCK_REDIS_URL), as Kong's `local` policy. */

import { RateLimiterMemory } from 'rate-limiter-flexible';
import { MemorySlidingWindowRateLimiter } from 'sliding-window-rate-limiter';
import { MAX_CLOCK_TOLERANCE_S } from '../config/schema.ts';
import { quotaCounters } from './quota.ts';
import {
  decision,
  type IdempotencyRecord,
  idempotencyKey,
  judgeIdempotency,
  revokedKey,
  type StateStore,
} from './store.ts';

export function createLocalStore(maxEntries = 100_000): StateStore {
  const entries = new Map<string, { value: IdempotencyRecord | true; expiresAt: number }>();
  const get = (k: string) => {
    const e = entries.get(k);
    if (e && e.expiresAt > Date.now()) return e.value;
    entries.delete(k);
    return undefined;
  };
  const set = (k: string, value: IdempotencyRecord | true, expiresAt: number) => {
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(k, { value, expiresAt });
  };
  const windows = new Map<number, MemorySlidingWindowRateLimiter>();
  const window = (ms: number) => {
    let w = windows.get(ms);
    if (!w) {
      w = new MemorySlidingWindowRateLimiter({ interval: ms });
      windows.set(ms, w);
    }
    return w;
  };
  const quotas = quotaCounters((points, duration) => new RateLimiterMemory({ points, duration }));
  return {
    kind: 'local',
    rateLimit: async (key, limit, windowMs) => decision(limit, await window(windowMs).reserve(key, limit)),
    takeQuota: (key, count, limit, windowMs) => quotas.take(key, count, limit, windowMs),
    refundQuota: (key, count, limit, windowMs) => quotas.refund(key, count, limit, windowMs),
    isRevoked: async (issuer, jti) => get(revokedKey(issuer, jti)) === true,
    revoke: async (issuer, jti, until) =>
      set(revokedKey(issuer, jti), true, (until + MAX_CLOCK_TOLERANCE_S) * 1000),
    async beginIdempotent(scope, key, bodyHash, ttlMs) {
      const k = idempotencyKey(scope, key);
      const rec = get(k);
      if (rec && rec !== true) return judgeIdempotency(rec, bodyHash);
      set(k, { state: 'in-flight', body: bodyHash }, Date.now() + ttlMs);
      return { state: 'new' };
    },
    completeIdempotent: async (scope, key, bodyHash, answer, ttlMs) =>
      set(idempotencyKey(scope, key), { state: 'done', body: bodyHash, answer }, Date.now() + ttlMs),
    extendIdempotent: async (scope, key, ttlMs) => {
      const k = idempotencyKey(scope, key);
      const rec = get(k);
      if (rec && rec !== true && rec.state === 'in-flight') set(k, rec, Date.now() + ttlMs);
    },
    abandonIdempotent: async (scope, key) => {
      entries.delete(idempotencyKey(scope, key));
    },
    connect: async () => undefined,
    ping: async () => true,
    close: async () => {
      for (const w of windows.values()) w.destroy();
    },
  };
}
