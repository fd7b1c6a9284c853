/**
 * The ingress HTTP application: build() returns a fastify instance, listen() is the caller's, so
 * tests need no port. Order of checks (DESIGN.md): identity → maintenance context (403) → media type
 * (415) → size (413) → JSON (400) → schema (422) → publish (202 once durable, else 503).
 */
import { randomUUID } from 'node:crypto';
import type { ServerOptions } from 'node:https';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from '../core/config.ts';
import { ROUTES, type RouteContract, type RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { lineageHeaders } from '../core/headers.ts';
import type { Logger } from '../core/logger.ts';
import { decodeContextHeader, type MaintenanceContext } from '../core/maintenance-context.ts';
import { judge } from '../core/rules/catalogue.ts';
import { checkAgainst } from '../core/schema-check.ts';
import { type StateStore, sha } from '../core/state/store.ts';
import { childTraceparent } from '../core/trace.ts';
import { type Authenticator, type Identity, roleAllowed } from './identity.ts';
import { sendProblem } from './problem.ts';
import type { Publisher } from './publisher.ts';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export interface IngressDeps {
  config: Config;
  logger: Logger;
  contract: ReadonlyMap<RouteName, RouteContract>;
  publisher: Publisher;
  authenticate: Authenticator;
  store: StateStore;
  readiness: readonly ReadinessCheck[];
  isDraining?: () => boolean;
  /** TLS options (mtls-jwt); absent for dev-insecure and for inject()-only tests. */
  https?: ServerOptions | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    airlock?: { traceId: string; identity?: Identity; context?: MaintenanceContext; rawBody?: string };
  }
}

const FASTIFY_ERRORS: Record<
  string,
  { code: 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE' | 'MALFORMED_JSON'; detail: string }
> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'send application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'the body is larger than the configured limit',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'MALFORMED_JSON',
    detail: 'content-length does not match the body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'the body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'the body is not valid JSON' },
};

export function buildIngress(deps: IngressDeps): FastifyInstance {
  const { config, logger } = deps;
  const app = Fastify({
    ...(deps.https ? { https: deps.https } : {}),
    loggerInstance: logger.child(
      { component: 'http' },
      config.ingress.accessLog ? {} : { level: 'warn' },
    ) as FastifyBaseLogger,
    bodyLimit: config.ingress.maxBodyBytes,
    return503OnClosing: true,
    requestTimeout: 30000,
  }) as unknown as FastifyInstance;
  // Only application/json is a body we take; fastify's default text/plain parser would let a
  // string through to the schema check as something other than a 415.
  app.removeContentTypeParser('text/plain');
  // The ingress topic carries the body exactly as received, so keep the raw text beside the parsed
  // value; parsing stays fastify's own (secure-json-parse, prototype poisoning rejected).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (req.airlock) req.airlock.rawBody = body as string;
    parseJson(req, body as string, done);
  });

  app.addHook('onRequest', async (req) => {
    req.airlock = { traceId: randomUUID() };
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (deps.https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (reply.statusCode >= 400) reply.header('cache-control', 'no-store');
    if (req.airlock) reply.header('x-trace-id', req.airlock.traceId);
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const traceId = req.airlock?.traceId;
    const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
    if (known) return sendProblem(reply, known.code, { detail: known.detail, traceId });
    if (err instanceof SyntaxError || (err.statusCode === 400 && err.code?.startsWith('FST_ERR_CTP'))) {
      return sendProblem(reply, 'MALFORMED_JSON', { detail: 'the body is not valid JSON', traceId });
    }
    if (err instanceof AirlockError) {
      if (err.code === 'UNAUTHENTICATED')
        reply.header('www-authenticate', 'Bearer realm="airlock", error="invalid_token"');
      const retry = err.retriable ? 5 : undefined;
      if (err.retriable) req.log.warn({ err, traceId }, 'request failed (retriable)');
      return sendProblem(reply, err.code, {
        detail: err.message,
        traceId,
        errors: err.reasons,
        retryAfterSeconds: retry,
      });
    }
    req.log.error({ err, traceId }, 'unhandled error');
    return sendProblem(reply, 'INTERNAL', { detail: 'internal error', traceId });
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, 'NOT_FOUND', {
      detail: `no route ${req.method} ${req.url}`,
      traceId: req.airlock?.traceId,
    }),
  );

  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/health/ready', async (_req, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async (r) => [r.name, await r.check().catch(() => false)] as const),
    );
    const draining = deps.isDraining?.() ?? false;
    const ready = !draining && results.every(([, ok]) => ok);
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : draining ? 'draining' : 'not-ready',
      checks: Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'up' : 'down'])),
    });
  });

  for (const [route, contract] of deps.contract) registerRecordRoute(app, deps, route, contract);
  return app;
}

function registerRecordRoute(
  app: FastifyInstance,
  deps: IngressDeps,
  route: RouteName,
  contract: RouteContract,
): void {
  // Identity and context are checked in onRequest: before fastify reads or parses the body.
  const preBody = async (req: FastifyRequest) => {
    const state = req.airlock ?? { traceId: randomUUID() };
    state.identity = await deps.authenticate(req);
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
  };

  app.post(ROUTES[route].httpPath, { onRequest: preBody }, async (req, reply) => {
    const { traceId, identity, context, rawBody } = req.airlock ?? {};
    if (!traceId || !identity || !context) throw new AirlockError('INTERNAL', 'request state missing');
    // No content-type and no body: fastify parsed nothing.
    if (rawBody === undefined) throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    const checked = checkAgainst(contract.payloadType, req.body);
    if (!checked.ok) {
      throw new AirlockError('SCHEMA_VIOLATION', 'the record does not match its schema', {
        reasons: checked.reasons,
      });
    }
    // The same rules the validators apply (core/rules): a client learns of a fixable error at once.
    const { errors } = judge(route, checked.value, context, deps.config.rules, new Date());
    if (errors.length > 0) {
      const reasons = errors.map(({ rule, path, message }) => ({
        code: 'RULE_VIOLATION' as const,
        rule,
        path,
        message,
      }));
      throw new AirlockError('RULE_VIOLATION', 'the record breaks recordkeeping rules of its rule set', {
        reasons,
      });
    }
    const header = req.headers['idempotency-key'];
    const idemKey = typeof header === 'string' ? header : undefined;
    const traceparent = req.headers.traceparent;
    // Step 10 (IETF Idempotency-Key draft): per sender; same key and body → the stored answer.
    const ttl = deps.config.ingress.idempotencyTtlMs;
    const bodyHash = sha(rawBody);
    if (idemKey !== undefined) {
      const prior = await deps.store.beginIdempotent(identity.subject, idemKey, bodyHash, ttl);
      if (prior.state === 'done') {
        const stored = prior.answer.body as { trace_id?: string };
        if (req.airlock && stored.trace_id) req.airlock.traceId = stored.trace_id;
        return reply.code(prior.answer.status).send(prior.answer.body);
      }
      if (prior.state === 'in-flight') {
        throw new AirlockError(
          'IDEMPOTENCY_IN_FLIGHT',
          'a request with this Idempotency-Key is still in flight',
        );
      }
      if (prior.state === 'mismatch') {
        throw new AirlockError('IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used with another body');
      }
    }
    try {
      await deps.publisher.publish({
        key: context.aircraft_registration,
        value: rawBody,
        headers: lineageHeaders({
          traceId,
          route,
          idempotencyKey: idemKey,
          receivedAt: new Date().toISOString(),
          source: 'http',
          subject: identity.subject,
          role: identity.role,
          clientCertSha256: identity.clientCertSha256,
          maintenanceContext: JSON.stringify(context),
          traceparent: childTraceparent(typeof traceparent === 'string' ? traceparent : undefined),
        }),
      });
    } catch (err) {
      if (idemKey !== undefined)
        await deps.store.abandonIdempotent(identity.subject, idemKey).catch(() => undefined);
      throw err;
    }
    const answer = { trace_id: traceId, status: 'accepted' };
    if (idemKey !== undefined) {
      // The record is durable already: a failure to store the answer must not turn into a 5xx,
      // which would invite a retry; the key stays "in flight" (409) until its TTL instead.
      await deps.store
        .completeIdempotent(identity.subject, idemKey, bodyHash, { status: 202, body: answer }, ttl)
        .catch((err: unknown) => req.log.warn({ err, traceId }, 'could not store the idempotent answer'));
    }
    return reply.code(202).send(answer);
  });
}
