/**
 * How hard the publisher is pressed, measured where it happens (issue #15 §4): the records handed
 * over and not yet settled, and how long publishing takes now. The shedder (ingress/shedding.ts)
 * reads it; nothing here decides anything.
 */
import type { BreakerState } from '../../core/circuit-breaker.ts';

export interface PublishPressure {
  /** Records handed to the publisher whose request is not settled yet (queued, sending, committing). */
  inFlightRecords: number;
  /**
   * Publish time now (ms): the mean, over the requests settled within the last second and those
   * not settled yet, of their time from hand-over to settlement, or to now for those still waiting
   * (so a publisher that stalls shows before anything settles, and one slow transaction among many
   * does not). 0 when idle.
   */
  publishMs: number;
  /** The publisher's circuit breaker. */
  breaker: BreakerState;
}

/** Sums of the samples of the last `windowMs`, in `buckets` buckets (no per-request allocation). */
export function recentSamples(windowMs = 1000, buckets = 10, now: () => number = () => performance.now()) {
  const width = windowMs / buckets;
  const sums = new Float64Array(buckets);
  const counts = new Uint32Array(buckets);
  const slots = new Float64Array(buckets).fill(Number.NEGATIVE_INFINITY);
  const slotOf = (t: number) => Math.floor(t / width);
  return {
    add(ms: number) {
      const slot = slotOf(now());
      const i = slot % buckets;
      if (slots[i] !== slot) {
        slots[i] = slot;
        sums[i] = 0;
        counts[i] = 0;
      }
      sums[i] = (sums[i] ?? 0) + ms;
      counts[i] = (counts[i] ?? 0) + 1;
    },
    /** The sum and count of the samples in the buckets still inside the window. */
    totals(): { sum: number; count: number } {
      const current = slotOf(now());
      let sum = 0;
      let count = 0;
      for (let i = 0; i < buckets; i++) {
        if ((slots[i] ?? Number.NEGATIVE_INFINITY) > current - buckets) {
          sum += sums[i] ?? 0;
          count += counts[i] ?? 0;
        }
      }
      return { sum, count };
    },
  };
}
