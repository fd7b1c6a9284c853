/**
 * The gateway's shared state behind one narrow interface (STYLE.md): token revocation and
 * Idempotency-Key records. `redis` when AIRLOCK_REDIS_URL is set (several ingress instances), `local`
 * (in-process) otherwise, for a single instance only. Keys never hold a raw token: revocation is
 * keyed by a hash of the issuer and the jti, idempotency by hashes of the subject and the key.
 */
import { createHash } from 'node:crypto';

export const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type IdempotencyState =
  | { state: 'new' }
  | { state: 'in-flight' }
  | { state: 'mismatch' }
  | { state: 'done'; answer: StoredAnswer };

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until a slot frees up (0 when there is room). */
  resetMs: number;
}

export interface StateStore {
  readonly kind: 'redis' | 'local';
  isRevoked(issuer: string, jti: string): Promise<boolean>;
  /** Denies a token (issuer + jti) until its expiry (epoch seconds). */
  /** Until the token's exp (`untilEpochS`) plus MAX_CLOCK_TOLERANCE_S: as long as any check may accept it. */
  revoke(issuer: string, jti: string, untilEpochS: number): Promise<void>;
  /** Claims an Idempotency-Key for a body, or reports what an earlier request with it became. */
  beginIdempotent(scope: string, key: string, bodyHash: string, ttlMs: number): Promise<IdempotencyState>;
  completeIdempotent(
    scope: string,
    key: string,
    bodyHash: string,
    answer: StoredAnswer,
    ttlMs: number,
  ): Promise<void>;
  /**
   * The attempt holding the key is still alive: its in-flight marker lives `ttlMs` more. Only an
   * in-flight marker is extended; a stored answer keeps its own TTL.
   */
  extendIdempotent(scope: string, key: string, ttlMs: number): Promise<void>;
  /** The request failed before it was durable: the key may be used again. */
  abandonIdempotent(scope: string, key: string): Promise<void>;
  /**
   * Takes one slot of a sliding window (`limit` per `windowMs`) for a key, atomically: one Lua
   * script in Redis, or in memory for a single instance.
   */
  rateLimit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  /**
   * Takes `count` of a fixed-window quota (`limit` per `windowMs`) for a key, atomically; a refused
   * take is given back at once, so it takes nothing (core/store/quota.ts).
   */
  takeQuota(key: string, count: number, limit: number, windowMs: number): Promise<RateDecision>;
  /** Gives back what a take took, when nothing it was taken for was published. */
  refundQuota(key: string, count: number, limit: number, windowMs: number): Promise<void>;
  /** Waits for the first connection (commands fail, never queue, while disconnected). */
  connect(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const revokedKey = (issuer: string, jti: string) => `revoked:${sha(issuer)}:${sha(jti)}`;
export const idempotencyKey = (scope: string, key: string) => `idem:${sha(scope)}:${sha(key)}`;

export interface IdempotencyRecord {
  state: 'in-flight' | 'done';
  body: string;
  answer?: StoredAnswer;
}

/** What a stored record means for a new request carrying the same key. */
export function judgeIdempotency(rec: IdempotencyRecord, bodyHash: string): IdempotencyState {
  if (rec.body !== bodyHash) return { state: 'mismatch' };
  if (rec.state === 'in-flight' || !rec.answer) return { state: 'in-flight' };
  return { state: 'done', answer: rec.answer };
}

/** The library's reserve result as a decision. */
export function decision(limit: number, r: { token?: number; usage: number; reset?: number }): RateDecision {
  return {
    allowed: r.token !== undefined,
    limit,
    remaining: Math.max(0, limit - r.usage),
    resetMs: r.reset ?? 0,
  };
}
