/**
 * The consumer stages' retry policy for transient faults (DESIGN.md reliability promise 4):
 * exponential backoff with full jitter per attempt, behind a circuit breaker shared by the stage's
 * partitions, and waits that keep the group membership alive.
 */
import { CircuitBreaker } from '../circuit-breaker.ts';

/** Exponential backoff with full jitter: 200 ms doubling, capped at 30 s, at least half the base. */
export function backoffMs(attempt: number, random = Math.random): number {
  const ceiling = Math.min(30_000, 200 * 2 ** Math.min(attempt, 20));
  return Math.max(100, Math.floor(random() * ceiling));
}

/**
 * The output side of a stage: after 3 failed transactions in a row every partition waits for the
 * breaker (1 s doubling with jitter, capped at 30 s) instead of hammering a broken destination.
 */
export const outputBreaker = () => new CircuitBreaker({ threshold: 3, baseMs: 1000, maxMs: 30_000 });

/**
 * Waits `ms` while keeping the group membership alive (heartbeats); false as soon as the partition
 * is no longer this consumer's (rebalance, stop): the batch is then left to its next owner.
 */
export async function waitOut(
  ms: number,
  heartbeat: () => Promise<void>,
  owned: () => boolean,
): Promise<boolean> {
  const until = Date.now() + ms;
  while (owned() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    try {
      await heartbeat();
    } catch {
      return false;
    }
  }
  return owned();
}
