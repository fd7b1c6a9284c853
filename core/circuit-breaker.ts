/**
 * A circuit breaker (DESIGN.md step 12, reliability promise 3): after `threshold` consecutive
 * failures it opens, and calls fail at once instead of waiting for a dependency that is down. It
 * half-opens after an exponential backoff with full jitter (capped), lets one call through, and
 * closes on its success. The ingress answers 503 with the time left as Retry-After while its broker
 * breaker is open; the consumer stages wait that time before they try a destination again.
 */
import { AirlockError } from './errors.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  threshold: number;
  baseMs: number;
  maxMs: number;
  now?: () => number;
  random?: () => number;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #opens = 0;
  #until = 0;
  #probe = false;
  readonly #o: Required<BreakerOptions>;

  constructor(options: BreakerOptions) {
    this.#o = { now: Date.now, random: Math.random, ...options };
  }

  /** Milliseconds until the breaker lets a call through again (0 when it would now). */
  get waitMs(): number {
    const state = this.state;
    if (state === 'closed' || (state === 'half-open' && !this.#probe)) return 0;
    // Half-open with its one probe in flight: look again shortly.
    if (state === 'half-open') return 100;
    return Math.max(1, this.#until - this.#o.now());
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#o.now() >= this.#until) this.#state = 'half-open';
    return this.#state;
  }

  /** Runs `fn` unless the breaker is open (503 KAFKA_UNAVAILABLE with Retry-After). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#probe)) {
      const waitS = Math.max(1, Math.ceil((this.#until - this.#o.now()) / 1000));
      throw new AirlockError('KAFKA_UNAVAILABLE', 'the broker is unavailable (circuit open)', {
        retryAfterSeconds: waitS,
      });
    }
    if (state === 'half-open') this.#probe = true;
    try {
      const result = await fn();
      this.#state = 'closed';
      this.#failures = 0;
      this.#opens = 0;
      this.#probe = false;
      return result;
    } catch (err) {
      this.#probe = false;
      if (state === 'half-open' || ++this.#failures >= this.#o.threshold) this.#open();
      throw err;
    }
  }

  #open(): void {
    const ceiling = Math.min(this.#o.maxMs, this.#o.baseMs * 2 ** this.#opens);
    this.#opens++;
    this.#until = this.#o.now() + Math.max(this.#o.baseMs / 2, this.#o.random() * ceiling);
    this.#state = 'open';
    this.#failures = 0;
  }
}
