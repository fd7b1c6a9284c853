/**
 * POST /v1/<route>: one record (application/json object) or a batch (a JSON array, or
 * application/x-ndjson) answered 207 with one result per record, so high-volume senders pay the
 * HTTP, TLS and token cost once per batch. Steps 7–11 of the order of checks (DESIGN.md).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ownerOf } from '../core/auth/issuers.ts';
import { ROUTES, type RouteContract, type RouteName, routeKey } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { lineageHeaders } from '../core/headers.ts';
import { batchEntry } from '../core/problem.ts';
import { checkAgainst } from '../core/schema-check.ts';
import { type StageSpan, sendSpan } from '../core/telemetry/tracing.ts';
import { decodeContextHeader, type MaintenanceContext } from '../rules/context.ts';
import { judge, refusal } from '../rules/index.ts';
import { schemaRuleFor } from '../rules/schema-rules.ts';
import type { Item, ResolvedDeps } from './deps.ts';
import { answering, idempotent } from './idempotency.ts';
import { headerCount, type Identity, roleAllowed } from './identity.ts';
import { type Refund, rateLimit, takeQuota } from './limits.ts';
import { OutcomeUnknownError } from './publisher.ts';

interface Sender {
  route: RouteName;
  identity: Identity;
  context: MaintenanceContext;
  idemKey: string | undefined;
  /** The request's SERVER span (ingress/app.ts): the publish is its child. */
  span: StageSpan;
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
  // Once per request: every record of a batch carries the same context and the one publish span.
  const maintenanceContext = JSON.stringify(s.context);
  const span = sendSpan(s.span, deps.config.topics.ingress, {
    'messaging.batch.message_count': records.length,
  });
  try {
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
          traceparent: span.traceparent,
        }),
      })),
    );
  } catch (err) {
    span.fail(err);
    throw err;
  } finally {
    span.end();
  }
  end?.();
  const at = new Date().toISOString();
  for (const { traceId } of records) {
    deps.status.record(traceId, { stage: 'ingress', state: 'accepted', at }, ownerOf(s.identity));
  }
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
    deps.auditAllowed(req); // allowed: its audit record is written beside the rest (ingress/access-audit.ts)
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
    const { traceId, identity, context, rawBody, ndjson, span } = req.airlock ?? {};
    if (!traceId || !identity || !context || !span)
      throw new AirlockError('INTERNAL', 'request state missing');
    // No content-type and no body: fastify parsed nothing.
    if (rawBody === undefined) throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    const header = req.headers['idempotency-key'];
    const sender: Sender = {
      route,
      identity,
      context,
      idemKey: typeof header === 'string' ? header : undefined,
      span,
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
