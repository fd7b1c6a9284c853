/**
 * The ingress HTTP application: build() returns a fastify instance, listen() is the caller's, so
 * tests need no port. Order of checks (DESIGN.md): identity → maintenance context (403) → media type
 * (415) → size (413) → JSON (400) → schema (422) → publish (202 once durable, else 503).
 */

import { randomUUID } from 'node:crypto';
import { type Http2SecureServer, constants as h2 } from 'node:http2';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import { knownTenants } from '../core/auth/issuers.ts';
import { AirlockError } from '../core/errors.ts';
import { jsonTextProblem, STRICT_UTF8 } from '../core/json-text.ts';
import { sendProblem } from '../core/problem.ts';
import { createLocalStatusStore } from '../core/record-status/redis.ts';
import { untraced } from '../core/telemetry/tracing.ts';
import { ruleSettings } from '../rules/settings.ts';
import { instanceName, registerAccessAudit } from './access-audit.ts';
import { type ConnectionPolicy, connectionPolicy } from './connections.ts';
import { registerCors } from './cors.ts';
import type { IngressDeps, ResolvedDeps } from './deps.ts';
import { guardHttp2, http2ServerOptions, sessionOf, streamGone, streamOf } from './http2.ts';
import { NoCredentialsError } from './identity.ts';
import { createIngressMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { OutcomeUnknownError } from './publisher.ts';
import { actorOf, registerRecordRoute } from './records-route.ts';
import { createShedder } from './shedding.ts';
import { registerStatusRoute } from './status-route.ts';

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
  // A method with a body (QUERY, found by schemathesis) sent without a Content-Type: refused before
  // routing; fastify's own 400 would otherwise reach the catch-all as a 500.
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'this method needs a Content-Type',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'the body is not valid JSON' },
};

/**
 * The body as text: UTF-8 only (RFC 8259 §8.1), decoded strictly. A declared charset other than
 * UTF-8 is 415; bytes that are not UTF-8 are 400, never replaced with U+FFFD and published (issue
 * #12 §12). A leading byte order mark is dropped, as RFC 8259 allows.
 */
function bodyText(contentType: string | undefined, body: Buffer): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AirlockError(
      'UNSUPPORTED_MEDIA_TYPE',
      `charset ${charset.slice(0, 32)} is not accepted: send UTF-8`,
    );
  }
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new AirlockError('MALFORMED_JSON', 'the body is not valid UTF-8');
  }
}
/** bodyText, or undefined once its error went to the parser's `done`. */
function bodyTextOr(
  contentType: string | undefined,
  body: Buffer,
  done: (err: Error | null, value?: unknown) => void,
): string | undefined {
  try {
    return bodyText(contentType, body);
  } catch (err) {
    done(err as Error, undefined);
    return undefined;
  }
}

const POLICIES = new WeakMap<FastifyInstance, ConnectionPolicy>();

/** The connection policy of an HTTPS ingress (ingress/connections.ts), for its TLS reloads. */
export const connectionsOf = (app: FastifyInstance): ConnectionPolicy | undefined => POLICIES.get(app);

export function buildIngress(input: IngressDeps): FastifyInstance {
  const current = input.current ?? (() => input.config);
  // The configured tenants, computed again only when a reload changed the configuration.
  let tenants = { of: input.config, known: knownTenants(input.config) };
  const metrics = input.metrics ?? createIngressMetrics();
  // Load shedding by route priority, from the publisher's own pressure (ingress/shedding.ts).
  const shedder = createShedder({
    settings: input.config.ingress.shedding,
    pressure: input.publisher.pressure?.bind(input.publisher),
    onLevel: (level, shedRoutes) =>
      input.logger.warn(
        { level, shedRoutes },
        level > 0 ? 'publishing is slow: shedding load by route priority' : 'shedding stopped',
      ),
    onShed: (route) => metrics.shed.inc({ route }),
  });
  metrics.watchShedding(() => shedder.state());
  const deps: ResolvedDeps = {
    ...input,
    current,
    tenantLabel: (tenant) => {
      const now = current();
      if (now !== tenants.of) tenants = { of: now, known: knownTenants(now) };
      return tenants.known.has(tenant) ? tenant : 'other';
    },
    metrics,
    shedder,
    rules: input.rules ?? ruleSettings(input.config, input.logger),
    status: input.status ?? createLocalStatusStore(input.config.statusRetentionMs),
    tracing: input.tracing ?? untraced,
    auditAllowed: () => undefined,
  };
  const { config, logger } = deps;
  /** Ends a request's span with its status (none: closed unanswered) and who asked. */
  const endSpan = (req: FastifyRequest, status: number | undefined, err?: unknown) => {
    const span = req.airlock?.span;
    if (!span) return;
    const identity = req.airlock?.identity;
    span.set({
      ...(status !== undefined && { 'http.response.status_code': status }),
      ...(identity && { 'airlock.role': identity.role, 'airlock.tenant': identity.tenant }),
    });
    if (err !== undefined) span.fail(err);
    else if (status !== undefined && status >= 500) span.fail(new Error(`HTTP ${status}`));
    span.end();
  };
  // The actor, on a request's log lines when its logger does not carry it (records-route.ts).
  const logActor = (req: FastifyRequest) =>
    !config.ingress.accessLog && req.airlock?.identity ? { actor: actorOf(req.airlock.identity) } : {};
  const problem: typeof sendProblem = (reply, code, opts) => {
    metrics.rejections.inc({ code });
    if (reply.request.airlock) reply.request.airlock.refusedWith = code;
    return sendProblem(reply, code, opts);
  };
  // HTTP/2 and HTTP/1.1 on the one TLS port, by ALPN (ingress/http2.ts); dev-insecure's plain
  // HTTP stays HTTP/1.1.
  const http2 = deps.https !== undefined && config.ingress.http2;
  const server = http2
    ? {
        http2: true,
        https: { ...deps.https, ...http2ServerOptions(config) },
        http2SessionTimeout: config.ingress.idleTimeoutMs,
      }
    : deps.https
      ? { https: deps.https }
      : {};
  const app = Fastify({
    ...(server as object),
    loggerInstance: logger.child(
      { component: 'http' },
      config.ingress.accessLog ? {} : { level: 'warn' },
    ) as FastifyBaseLogger,
    bodyLimit: config.ingress.maxBodyBytes,
    return503OnClosing: true,
    requestTimeout: config.ingress.requestTimeoutMs,
    connectionTimeout: config.ingress.idleTimeoutMs,
    keepAliveTimeout: Math.min(5000, config.ingress.idleTimeoutMs),
  }) as unknown as FastifyInstance;
  // Only application/json is a body we take; fastify's default text/plain parser would let a
  // string through to the schema check as something other than a 415.
  app.removeContentTypeParser('text/plain');
  // The ingress topic carries the body exactly as received, so keep the raw text beside the parsed
  // value; parsing stays fastify's own (secure-json-parse, prototype poisoning rejected). The text
  // is decoded strictly (issue #12 §12) and scanned for what JSON.parse lets through (§11).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const text = bodyTextOr(req.headers['content-type'], body as Buffer, done);
    if (text === undefined) return;
    if (req.airlock) req.airlock.rawBody = text;
    const problem = jsonTextProblem(text);
    if (problem !== undefined) {
      done(new AirlockError('MALFORMED_JSON', problem), undefined);
      return;
    }
    parseJson(req, text, done);
  });
  // Batches as NDJSON: one record per line, each parsed like a JSON body (prototype poisoning is an
  // error); a malformed line fails that record only, with its index in the 207 answer.
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer' }, (req, body, done) => {
    const text = bodyTextOr(req.headers['content-type'], body as Buffer, done);
    if (text === undefined) return;
    if (req.airlock) {
      req.airlock.rawBody = text;
      req.airlock.ndjson = text
        .split('\n')
        .map((line) => line.replace(/\r$/, ''))
        .filter((line) => line.trim() !== '')
        .map((raw) => {
          const problem = jsonTextProblem(raw);
          if (problem !== undefined) return { value: undefined, raw, parseError: problem };
          try {
            return {
              value: sjson.parse(raw, undefined, { protoAction: 'error', constructorAction: 'error' }),
              raw,
            };
          } catch {
            return { value: undefined, raw, parseError: 'the line is not valid JSON' };
          }
        });
    }
    done(null, null);
  });

  const connections = deps.https
    ? connectionPolicy(app.server as unknown as import('node:https').Server, {
        maxAgeMs: config.ingress.connectionMaxAgeMs,
        maxRequests: config.ingress.connectionMaxRequests,
      })
    : undefined;
  if (connections) POLICIES.set(app, connections);
  if (http2)
    guardHttp2(app.server as unknown as Http2SecureServer, {
      requestTimeoutMs: config.ingress.requestTimeoutMs,
      maxResetsPerSecond: config.ingress.http2MaxResetsPerSecond,
      logger,
      onAbuse: (reason) => metrics.http2Abuse.inc({ reason }),
    });
  app.addHook('onRequest', async (req, reply) => {
    const traceId = randomUUID();
    // A SERVER span per request (probes and scrapes aside), continuing the sender's traceparent.
    const url = req.routeOptions.url;
    const tracer = url?.startsWith('/v1/') ? deps.tracing : untraced;
    const parent = req.headers.traceparent;
    const span = tracer.start(`${req.method} ${url}`, {
      kind: 'server',
      parent: typeof parent === 'string' ? parent : undefined,
      ...(tracer.enabled && {
        attributes: {
          'http.request.method': req.method,
          'http.route': url ?? '',
          'network.protocol.version': req.raw.httpVersion,
          'airlock.trace_id': traceId,
        },
      }),
    });
    req.airlock = { traceId, span };
    // An HTTP/2 stream its client reset before it was even handed over (ingress/http2.ts): no one
    // to answer, nothing to check.
    if (streamGone(req.raw)) {
      reply.hijack();
      return;
    }
    // A browser page of an origin not listed (CORS, ingress/cors.ts) is refused before any
    // credential is looked at: its browser would present the user's client certificate.
    const origin = req.headers.origin;
    if (origin !== undefined && !config.ingress.corsOrigins.includes(origin))
      throw new AirlockError('ORIGIN_FORBIDDEN', `the web origin ${origin} may not call this ingress`);
    // Before anything is read: a connection whose certificate was verified under a client trust
    // that has changed since carries nothing more (issue #12 §8).
    if (connections?.retired(req.raw)) {
      metrics.retiredConnectionRequests.inc();
      throw new AirlockError(
        'CONNECTION_RETIRED',
        'the client CA or CRL changed since this connection was opened: retry on a new connection',
      );
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    metrics.requests.inc({ route, status });
    const tenant = req.airlock?.identity?.tenant;
    if (tenant !== undefined) metrics.tenantRequests.inc({ tenant: deps.tenantLabel(tenant), route, status });
    endSpan(req, reply.statusCode);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (deps.https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Answers carry records, their status and who sent them: no cache keeps them (issue #15 §5).
    reply.header('cache-control', 'no-store');
    // Nothing here is a page: were an answer ever rendered, it may load, run and frame nothing.
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    if (req.airlock) reply.header('x-trace-id', req.airlock.traceId);
    if (streamOf(req.raw) === undefined) {
      if (connections?.closing(req.raw)) reply.header('connection', 'close');
      return;
    }
    // HTTP/2 has no Connection header (RFC 9113 §8.2.2; fastify sets one after a body it could not
    // read, which Node drops with a warning): a response that ends its connection sends GOAWAY.
    reply.removeHeader('connection');
    if (connections?.closing(req.raw)) sessionOf(req.raw)?.close();
  });
  // A reset HTTP/2 stream's body ends where the reset fell and parses as if whole (ingress/http2.ts):
  // such a request is never handled, so nothing it sent is published.
  app.addHook('preHandler', async (req) => {
    if (streamGone(req.raw))
      throw new AirlockError('MALFORMED_JSON', 'the request was reset before its body ended');
  });

  registerCors(app, config.ingress.corsOrigins);
  // After the headers' onSend: every /v1 answer waits for its access decision (ingress/access-audit.ts).
  deps.auditAllowed = registerAccessAudit(app, {
    ...deps,
    instance: deps.instance ?? instanceName(undefined),
  }).allowed;

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const traceId = req.airlock?.traceId;
    const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
    if (known) return problem(reply, known.code, { detail: known.detail, traceId });
    if (err instanceof SyntaxError || (err.statusCode === 400 && err.code?.startsWith('FST_ERR_CTP'))) {
      return problem(reply, 'MALFORMED_JSON', { detail: 'the body is not valid JSON', traceId });
    }
    if (err instanceof AirlockError) {
      if (err instanceof NoCredentialsError) reply.header('www-authenticate', 'Bearer realm="airlock"');
      else if (err.code === 'UNAUTHENTICATED')
        reply.header('www-authenticate', 'Bearer realm="airlock", error="invalid_token"');
      const retry = err.retryAfterSeconds ?? (err.retriable ? 5 : undefined);
      // A shed request is not logged one by one: under overload that would cost the CPU shedding
      // saves; the shedder logs each change of level, and airlock_ingress_shed_total counts them.
      if (err.retriable && err.code !== 'OVERLOADED')
        req.log.warn({ err, traceId, ...logActor(req) }, 'request failed (retriable)');
      return problem(reply, err.code, {
        detail: err.message,
        traceId,
        errors: err.reasons,
        omitted: err.omittedReasons,
        retryAfterSeconds: retry,
      });
    }
    if (err instanceof OutcomeUnknownError) {
      // The broker could not say whether the records committed. Any answer could be a lie (a 202
      // for a lost record, a 503 for a published one), so there is none: the connection closes,
      // the Idempotency-Key stays reserved, and the sender retries with it (docs/errors.md).
      req.log.error(
        { err, traceId, ...logActor(req) },
        'publish outcome unknown; closing the connection unanswered',
      );
      endSpan(req, undefined, err);
      reply.hijack();
      // Under HTTP/2 that request's stream only (RST_STREAM), not the other streams of its session.
      const stream = streamOf(req.raw);
      if (stream) stream.close(h2.NGHTTP2_INTERNAL_ERROR);
      else req.raw.socket?.destroy();
      return reply;
    }
    req.log.error({ err, traceId, ...logActor(req) }, 'unhandled error');
    return problem(reply, 'INTERNAL', { detail: 'internal error', traceId });
  });
  app.setNotFoundHandler((req, reply) =>
    problem(reply, 'NOT_FOUND', {
      detail: `no route ${req.method} ${req.url}`,
      traceId: req.airlock?.traceId,
    }),
  );

  app.get('/health/live', async () => ({ status: 'live' }));
  // The OpenAPI 3.1 document of this surface with this instance's limits (docs/openapi.json has the
  // defaults), built once; behind the same mutual TLS as everything else.
  const openapi = JSON.stringify(
    openApiDocument(deps.contract, {
      maxRecordsPerRequest: config.ingress.maxRecordsPerRequest,
      maxBodyBytes: config.ingress.maxBodyBytes,
    }),
  );
  app.get('/openapi.json', async (_req, reply) => reply.type('application/json').send(openapi));
  // Behind the same mutual TLS as everything else: a scraper needs a client certificate.
  const metricsText = deps.metricsText ?? (() => metrics.registry.metrics());
  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metricsText()),
  );
  app.get('/health/ready', async (_req, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async (r) => [r.name, await Promise.resolve(r.check()).catch(() => false)] as const),
    );
    const draining = deps.isDraining?.() ?? false;
    const shedding = deps.shedder.state();
    const ready = !draining && results.every(([, ok]) => ok);
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : draining ? 'draining' : 'not-ready',
      checks: Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'up' : 'down'])),
      // Shedding is not unreadiness: the instance still serves its highest-priority routes, and
      // taking it out of rotation would move its load onto the others (docs/operations.md).
      ...(shedding.enabled ? { shedding } : {}),
      ...deps.readinessInfo?.(),
    });
  });

  for (const [route, contract] of deps.contract) registerRecordRoute(app, deps, route, contract);
  registerStatusRoute(app, deps);
  return app;
}
