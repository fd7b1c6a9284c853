/**
 * POST /v1/<route>: one record (application/json object) or a batch (a JSON array, or
 * application/x-ndjson) answered 207 with one result per record, so high-volume senders pay the
 * HTTP, TLS and token cost once per batch. Steps 7–11 of the order of checks (DESIGN.md).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ownerOf, principalOf } from '../core/auth/issuers.ts';
import { ROUTES, type RouteContract, type RouteName, routeKey } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { lineageHeaders } from '../core/headers.ts';
import { batchEntry } from '../core/problem.ts';
import { checkAgainst } from '../core/schema-check.ts';
import { sha } from '../core/store/store.ts';
import { childTraceparent } from '../core/trace.ts';
import { decodeContextHeader, type MaintenanceContext } from '../rules/context.ts';
import { judge, refusal } from '../rules/index.ts';
import { schemaRuleFor } from '../rules/schema-rules.ts';
import type { Item, ResolvedDeps } from './deps.ts';
import { headerCount, type Identity, roleAllowed } from './identity.ts';
import { type Refund, rateLimit, takeQuota } from './limits.ts';
import { OutcomeUnknownError } from './publisher.ts';

interface Sender {
  route: RouteName;
  identity: Identity;
  context: MaintenanceContext;
  idemKey: string | undefined;
  traceparent: string | undefined;
}

/** Steps 9 (schema, rules) for one record; an AirlockError says why it is refused. */
function check(
  contract: RouteContract,
  route: RouteName,
  deps: ResolvedDeps,
  item: Item,
  context: MaintenanceContext,
) {
  if (item.parseError !== undefined) return new AirlockError('MALFORMED_JSON', item.parseError);
  // A record the broker would refuse is the sender's to split, never a retriable 503 (issue #12 §14).
  const limit = deps.recordLimitBytes?.();
  if (limit !== undefined && item.raw.length > limit / 3) {
    const bytes = Buffer.byteLength(item.raw);
    if (bytes > limit)
      return new AirlockError(
        'PAYLOAD_TOO_LARGE',
        `the record is ${bytes} bytes; the topics it passes through take records of at most ${limit} bytes`,
      );
  }
  const checked = checkAgainst(contract.payloadType, item.value, schemaRuleFor(route));
  if (!checked.ok) {
    return new AirlockError('SCHEMA_VIOLATION', 'the record does not match its schema', {
      reasons: checked.reasons,
      omittedReasons: checked.omitted,
    });
  }
  // The same rules the validators apply (rules/): a client learns of a fixable error at once.
  const judgement = judge(route, checked.value, context, deps.rules.current(), new Date());
  const refused = refusal(judgement);
  if (!refused) return undefined;
  const { failed } = judgement;
  const { reasons } = refused;
  for (const rule of failed) deps.metrics.ruleErrors.inc({ rule });
  if (failed.length > 0) {
    deps.logger.error({ rules: failed, route }, 'a rule threw on a record: refused as RULE_ERROR');
    return new AirlockError('RULE_ERROR', 'a rule could not judge the record', { reasons });
  }
  return new AirlockError('RULE_VIOLATION', 'the record breaks recordkeeping rules of its rule set', {
    reasons,
  });
}

/**
 * Step 11: a request's records in one Kafka transaction (acks=all); resolves once it committed.
 * Rejects with KAFKA_UNAVAILABLE when nothing became visible, with OutcomeUnknownError when the
 * broker could not say (ingress/publisher.ts).
 */
async function publish(
  deps: ResolvedDeps,
  s: Sender,
  /** `index`: the record's position in the request (the idempotency pair names it). */
  records: readonly { traceId: string; raw: string; value: unknown; index: number }[],
  refund: Refund,
): Promise<void> {
  try {
    await publishRecords(deps, s, records);
  } catch (err) {
    // Known not visible: the tenant's quota gets back what these records took.
    if (!(err instanceof OutcomeUnknownError)) await refund();
    throw err;
  }
}

async function publishRecords(
  deps: ResolvedDeps,
  s: Sender,
  records: readonly { traceId: string; raw: string; value: unknown; index: number }[],
): Promise<void> {
  const end = deps.metrics.publishSeconds.startTimer();
  const receivedAt = new Date().toISOString();
  // Once per request: every record of a batch carries the same context.
  const maintenanceContext = JSON.stringify(s.context);
  await deps.publisher.publish(
    records.map(({ traceId, raw, value, index }) => ({
      key: routeKey(s.route, (value ?? {}) as Record<string, unknown>, s.context.aircraft_registration),
      value: raw,
      headers: lineageHeaders({
        traceId,
        route: s.route,
        idempotencyKey: s.idemKey,
        idempotencyIndex: index,
        receivedAt,
        source: 'http',
        subject: s.identity.subject,
        role: s.identity.role,
        tenant: s.identity.tenant,
        issuer: s.identity.issuer,
        clientCertSha256: s.identity.clientCertSha256,
        maintenanceContext,
        traceparent: childTraceparent(s.traceparent),
      }),
    })),
  );
  end?.();
  const at = new Date().toISOString();
  for (const { traceId } of records) {
    deps.status.record(traceId, { stage: 'ingress', state: 'accepted', at }, ownerOf(s.identity));
  }
}

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
async function answering<T extends { status: number; body: unknown }>(
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
async function idempotent(
  deps: ResolvedDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  s: Sender,
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

function problemEntry(deps: ResolvedDeps, index: number, err: AirlockError) {
  deps.metrics.rejections.inc({ code: err.code });
  return batchEntry(index, err);
}

/** Who sent a request, as its log lines name them. */
export const actorOf = (identity: Identity) => ({
  subject: identity.subject,
  role: identity.role,
  tenant: identity.tenant,
  cert: identity.clientCert,
});

export function registerRecordRoute(
  app: FastifyInstance,
  deps: ResolvedDeps,
  route: RouteName,
  contract: RouteContract,
): void {
  // Identity, role and context are checked in onRequest: before fastify reads or parses the body.
  const preBody = async (req: FastifyRequest, reply: FastifyReply) => {
    const state = req.airlock ?? { traceId: randomUUID() };
    state.identity = await deps.authenticate(req);
    // A child logger per request only for the access log (issue #14 §1: ~3 % of the CPU under load);
    // without it, the few lines a request may log name the actor themselves (ingress/app.ts).
    if (deps.config.ingress.accessLog) req.log = req.log.child({ actor: actorOf(state.identity) });
    await rateLimit(deps, reply, state.identity, route);
    if (!roleAllowed(deps.config, state.identity.role, route)) {
      throw new AirlockError(
        'ROLE_FORBIDDEN',
        `role ${state.identity.role} may not call ${ROUTES[route].httpPath}`,
      );
    }
    const ctx = decodeContextHeader(req.headers['x-maintenance-context']);
    if (!ctx.ok) throw new AirlockError('CONTEXT_INVALID', ctx.reason.message, { reasons: [ctx.reason] });
    state.context = ctx.context;
    req.airlock = state;
    deps.shedder.admit(route); // step 8a, before the body is read: 503 OVERLOADED (ingress/shedding.ts)
  };

  // Step 8, what the body parser cannot see: one Content-Type (Node keeps the first of several, a
  // proxy may keep the last) and no Content-Encoding the ingress would not decode (issue #12 §12, §15).
  const preParsing = async (req: FastifyRequest) => {
    if (headerCount(req.raw.rawHeaders, 'content-type') > 1)
      throw new AirlockError('HEADER_INVALID', 'exactly one Content-Type header is allowed');
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new AirlockError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Content-Encoding is not accepted: send the body unencoded',
      );
    }
  };

  app.post(ROUTES[route].httpPath, { onRequest: preBody, preParsing }, async (req, reply) => {
    const { traceId, identity, context, rawBody, ndjson } = req.airlock ?? {};
    if (!traceId || !identity || !context) throw new AirlockError('INTERNAL', 'request state missing');
    // No content-type and no body: fastify parsed nothing.
    if (rawBody === undefined) throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    const header = req.headers['idempotency-key'];
    const traceparent = req.headers.traceparent;
    const sender: Sender = {
      route,
      identity,
      context,
      idemKey: typeof header === 'string' ? header : undefined,
      traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    };

    const items: Item[] | undefined =
      ndjson ??
      (Array.isArray(req.body)
        ? req.body.map((value) => ({ value, raw: JSON.stringify(value) }))
        : undefined);
    if (items === undefined) {
      const refused = check(contract, route, deps, { value: req.body, raw: rawBody }, context);
      if (refused) throw refused;
      return idempotent(deps, req, reply, sender, rawBody, async () => {
        const refund = await takeQuota(deps, reply, identity, 1);
        return answering(
          publish(deps, sender, [{ traceId, raw: rawBody, value: req.body, index: 0 }], refund),
          () => ({ status: 202, body: { trace_id: traceId, status: 'accepted' }, durable: true }),
        );
      });
    }

    const max = deps.config.ingress.maxRecordsPerRequest;
    if (items.length === 0) throw new AirlockError('MALFORMED_JSON', 'the batch is empty');
    if (items.length > max)
      throw new AirlockError('PAYLOAD_TOO_LARGE', `a batch holds at most ${max} records`);
    deps.metrics.batchRecords.observe(items.length);
    return idempotent(deps, req, reply, sender, rawBody, async () => {
      const checked = items.map((item, index) => {
        const refused = check(contract, route, deps, item, context);
        return refused ? problemEntry(deps, index, refused) : { index, traceId: randomUUID(), item };
      });
      const passing = checked.filter((c) => 'traceId' in c);
      const answer = (failure?: AirlockError) => {
        const results = checked.map((c) => {
          if (!('traceId' in c)) return c;
          return failure
            ? problemEntry(deps, c.index, failure)
            : { index: c.index, status: 202, trace_id: c.traceId };
        });
        const accepted = results.filter((r) => r.status === 202).length;
        return {
          status: 207,
          body: { accepted, rejected: results.length - accepted, results },
          durable: accepted > 0,
        };
      };
      // The quota counts what would be published; refused, the whole request is 429, nothing sent.
      const refund = await takeQuota(deps, reply, identity, passing.length);
      // The batch's valid records are one unit: one transaction, all committed or none.
      const publishing = publish(
        deps,
        sender,
        passing.map((c) => ({ traceId: c.traceId, raw: c.item.raw, value: c.item.value, index: c.index })),
        refund,
      );
      try {
        return await answering(publishing, () => answer());
      } catch (err) {
        if (err instanceof AirlockError) return answer(err);
        throw err;
      }
    });
  });
}
