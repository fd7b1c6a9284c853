/**
 * Step 10 of the order of checks (DESIGN.md): the Idempotency-Key. A retry with the same key and
 * body gets the stored answer; an attempt in flight holds its key (409 to a retry) only as long as
 * it lives; an outcome the broker could not tell in time is settled later, never guessed (issue #11).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../core/auth/issuers.ts';
import { AirlockError } from '../core/errors.ts';
import { sha } from '../core/store/store.ts';
import type { ResolvedDeps } from './deps.ts';
import type { Identity } from './identity.ts';
import { OutcomeUnknownError } from './publisher.ts';

/**
 * An attempt's in-flight marker lives the transaction timeout and is extended every third of it
 * while the attempt lives: a marker left by a crashed instance frees its key within the transaction
 * timeout, not after the idempotency TTL (issue #11), while a live attempt that waits long for its
 * outcome keeps its key.
 */
async function heldWhile<T>(
  deps: ResolvedDeps,
  scope: string,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const ttl = deps.config.ingress.transactionTimeoutMs;
  const beat = setInterval(
    () => {
      deps.store.extendIdempotent(scope, key, ttl).catch(() => undefined);
    },
    Math.max(250, Math.floor(ttl / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

/** An outcome not known in time for an answer, with the answer it would have had if committed. */
class UnansweredOutcome extends OutcomeUnknownError {
  readonly answer: { status: number; body: unknown };
  constructor(cause: OutcomeUnknownError, answer: { status: number; body: unknown }) {
    super(cause.message, cause.eventually, { cause });
    this.answer = answer;
  }
}

/** The work's answer, or an UnansweredOutcome carrying it when the publish outcome is not known. */
export async function answering<T extends { status: number; body: unknown }>(
  publishing: Promise<void>,
  answer: () => T,
): Promise<T> {
  try {
    await publishing;
  } catch (err) {
    if (err instanceof OutcomeUnknownError) throw new UnansweredOutcome(err, answer());
    throw err;
  }
  return answer();
}

/** Holds the key while the outcome is sought, then stores the answer (committed) or frees the key. */
async function settleLater(
  deps: ResolvedDeps,
  scope: string,
  key: string,
  bodyHash: string,
  pending: UnansweredOutcome,
  log: FastifyRequest['log'],
): Promise<void> {
  try {
    const committed = await heldWhile(deps, scope, key, () => pending.eventually);
    if (committed) {
      await deps.store.completeIdempotent(
        scope,
        key,
        bodyHash,
        pending.answer,
        deps.config.ingress.idempotencyTtlMs,
      );
    } else {
      await deps.store.abandonIdempotent(scope, key);
    }
  } catch (err) {
    // Never learned (or Redis refused): the marker expires on its own.
    log.warn({ err }, 'the Idempotency-Key of an unanswered request could not be settled');
  }
}

/**
 * Step 10 around the work: same key and body → the stored answer; other body → 422; in flight →
 * 409. A failure known not to be visible frees the key; an unknown outcome keeps it reserved until
 * the outcome is learned (settleLater); a stored answer is kept for the TTL.
 */
export async function idempotent(
  deps: ResolvedDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  s: { idemKey: string | undefined; identity: Identity },
  rawBody: string,
  work: () => Promise<{ status: number; body: unknown; durable: boolean }>,
) {
  const key = s.idemKey;
  if (key === undefined) {
    const answer = await work();
    return reply.code(answer.status).send(answer.body);
  }
  const ttl = deps.config.ingress.idempotencyTtlMs;
  const bodyHash = sha(rawBody);
  const scope = principalOf(s.identity);
  const prior = await deps.store.beginIdempotent(
    scope,
    key,
    bodyHash,
    deps.config.ingress.transactionTimeoutMs,
  );
  if (prior.state === 'done') {
    const stored = prior.answer.body as { trace_id?: string };
    if (req.airlock && stored.trace_id) req.airlock.traceId = stored.trace_id;
    return reply.code(prior.answer.status).send(prior.answer.body);
  }
  if (prior.state === 'in-flight') {
    throw new AirlockError('IDEMPOTENCY_IN_FLIGHT', 'a request with this Idempotency-Key is still in flight');
  }
  if (prior.state === 'mismatch') {
    throw new AirlockError('IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used with another body');
  }
  let answer: Awaited<ReturnType<typeof work>>;
  try {
    answer = await heldWhile(deps, scope, key, work);
  } catch (err) {
    if (err instanceof UnansweredOutcome) {
      // Unknown for now: the key stays reserved (409 to a retry) while the outcome is sought, and
      // is then settled by it — the stored 202 (the original trace id) or freed (issue #11).
      void settleLater(deps, scope, key, bodyHash, err, req.log);
    } else {
      await deps.store.abandonIdempotent(scope, key).catch(() => undefined);
    }
    throw err;
  }
  if (!answer.durable) {
    await deps.store.abandonIdempotent(scope, key).catch(() => undefined);
  } else {
    // What was accepted is durable already: failing to store the answer must not become a 5xx,
    // which would invite a retry; the key stays "in flight" (409) until its TTL instead.
    await deps.store
      .completeIdempotent(scope, key, bodyHash, { status: answer.status, body: answer.body }, ttl)
      .catch((err: unknown) => req.log.warn({ err }, 'could not store the idempotent answer'));
  }
  return reply.code(answer.status).send(answer.body);
}
