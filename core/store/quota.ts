/**
 * Fixed-window quotas counted in records (issue #15 §3), with rate-limiter-flexible: one counter per
 * key and window (INCRBY and an expiry in one Lua script in Redis, or in memory), where the sliding
 * windows of sliding-window-rate-limiter keep an entry per request, fine for a minute's requests
 * and too many for a day's records.
 */
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision } from './store.ts';

export type QuotaLimiterFactory = (points: number, durationS: number) => RateLimiterAbstract;

export function quotaCounters(make: QuotaLimiterFactory) {
  const limiters = new Map<string, RateLimiterAbstract>();
  const of = (limit: number, windowMs: number) => {
    const id = `${limit}:${windowMs}`;
    let l = limiters.get(id);
    if (!l) {
      l = make(limit, Math.ceil(windowMs / 1000));
      limiters.set(id, l);
    }
    return l;
  };
  return {
    async take(key: string, count: number, limit: number, windowMs: number): Promise<RateDecision> {
      const l = of(limit, windowMs);
      try {
        const r = await l.consume(key, count);
        return { allowed: true, limit, remaining: r.remainingPoints, resetMs: r.msBeforeNext };
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        // The library counted the refused take: give it back, so that a batch too large for what
        // is left does not spend it for the requests that would fit.
        await l.reward(key, count);
        const left = Math.max(0, limit - (err.consumedPoints - count));
        return { allowed: false, limit, remaining: left, resetMs: err.msBeforeNext };
      }
    },
    async refund(key: string, count: number, limit: number, windowMs: number): Promise<void> {
      await of(limit, windowMs).reward(key, count);
    },
  };
}
