/**
 * A circuit breaker for the broker (DESIGN.md step 12): after `threshold` consecutive failed
 * publishes it opens, and requests are answered 503 at once, with the time left as Retry-After,
 * instead of waiting for a broker that is down. It half-opens after an exponential backoff with
 * full jitter (capped), lets one publish through, and closes on its success.
 */
import { AirlockError } from '../core/errors.ts';

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
