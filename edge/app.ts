/**
 * The station's HTTP application (issue #13): `POST /edge/queue` takes one signed item (a JSON
 * object), several (a JSON array, or NDJSON, answered 207), each `{route, context, record,
 * captured_at, signature}`. Each is checked as the central ingress would — signature (401), the
 * maintenance context (403), the route's schema and record-only rules (422) — and the valid ones
 * are sealed into the outbox in one fsynced transaction before the answer: 202 means on disk.
 * `GET /health/sync-status` says what is queued, in flight, rejected and when the last sync was.
 */
import { randomUUID } from 'node:crypto';
import type { ServerOptions } from 'node:https';
import canonicalize from 'canonicalize';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import type { Config } from '../core/config/schema.ts';
import { isRouteName, type RouteContract, type RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { jsonTextProblem, STRICT_UTF8 } from '../core/json-text.ts';
import type { Logger } from '../core/logger.ts';
import { batchEntry, sendProblem } from '../core/problem.ts';
import { checkAgainst } from '../core/schema-check.ts';
import { checkContext } from '../rules/context.ts';
import { judge, refusal } from '../rules/index.ts';
import { schemaRuleFor } from '../rules/schema-rules.ts';
import type { RuleSettings } from '../rules/settings.ts';
import type { Outbox, QueuedRecord } from './outbox.ts';
import type { SignerRegistry } from './signature.ts';
import type { SyncState } from './sync.ts';

export interface EdgeDeps {
  config: Config;
  logger: Logger;
  contract: ReadonlyMap<RouteName, RouteContract>;
  outbox: Outbox;
  signers: SignerRegistry;
  rules: RuleSettings;
  sync: () => SyncState;
  https?: ServerOptions | undefined;
  metrics: () => Promise<{ contentType: string; text: string }>;
  onFull?: () => void;
}

// RFC 3339 date-time with an explicit offset (TIME-1).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** One item checked: what the outbox keeps, or why it is refused. */
async function checkItem(deps: EdgeDeps, item: unknown): Promise<Omit<QueuedRecord, 'id'> | AirlockError> {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    return new AirlockError(
      'MALFORMED_JSON',
      'an item is a JSON object {route, context, record, captured_at, signature}',
    );
  const { route, context, record, captured_at, signature, ...rest } = item as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    return new AirlockError('SCHEMA_VIOLATION', `unknown member ${extra[0]?.slice(0, 64)} of the item`);
  let signerKid: string;
  try {
    signerKid = await deps.signers.verify({ route, context, record, captured_at }, signature);
  } catch (err) {
    if (err instanceof AirlockError) return err;
    throw err;
  }
  if (typeof route !== 'string' || !isRouteName(route))
    return new AirlockError('NOT_FOUND', `no route ${String(route).slice(0, 64)}`);
  if (typeof captured_at !== 'string' || !RFC3339.test(captured_at) || Number.isNaN(Date.parse(captured_at)))
    return new AirlockError('SCHEMA_VIOLATION', 'captured_at must be an RFC 3339 date-time with an offset');
  const ctx = checkContext(context);
  if (!ctx.ok) return new AirlockError('CONTEXT_INVALID', ctx.reason.message, { reasons: [ctx.reason] });
  const contract = deps.contract.get(route);
  if (!contract) return new AirlockError('NOT_FOUND', `no route ${route}`);
  const checked = checkAgainst(contract.payloadType, record, schemaRuleFor(route));
  if (!checked.ok)
    return new AirlockError('SCHEMA_VIOLATION', 'the record does not match its schema', {
      reasons: checked.reasons,
      omittedReasons: checked.omitted,
    });
  const refused = refusal(judge(route, checked.value, ctx.context, deps.rules.current(), new Date()));
  if (refused)
    return new AirlockError(refused.code, 'the record breaks recordkeeping rules of its rule set', {
      reasons: refused.reasons,
    });
  return {
    route,
    context: ctx.context,
    record: canonicalize(record) ?? '',
    capturedAt: captured_at,
    signerKid,
    signature: signature as string,
  };
}

export function buildEdge(deps: EdgeDeps): FastifyInstance {
  const { config, logger } = deps;
  const app = Fastify({
    ...(deps.https ? { https: deps.https } : {}),
    loggerInstance: logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: config.edge.maxBodyBytes,
  }) as unknown as FastifyInstance;
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  const text = (body: Buffer) => {
    try {
      return STRICT_UTF8.decode(body);
    } catch {
      throw new AirlockError('MALFORMED_JSON', 'the body is not valid UTF-8');
    }
  };
  const parse = (raw: string) => {
    const problem = jsonTextProblem(raw);
    if (problem) throw new AirlockError('MALFORMED_JSON', problem);
    try {
      return sjson.parse(raw, undefined, { protoAction: 'error', constructorAction: 'error' }) as unknown;
    } catch {
      throw new AirlockError('MALFORMED_JSON', 'the body is not valid JSON');
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, { json: parse(text(body as Buffer)) });
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      const lines = text(body as Buffer)
        .split('\n')
        .filter((l) => l.trim() !== '');
      done(null, {
        lines: lines.map((l) => {
          try {
            return parse(l);
          } catch (err) {
            return err;
          }
        }),
      });
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const traceId = randomUUID();
    if (err instanceof AirlockError) {
      if (err.code === 'OUTBOX_FULL') deps.onFull?.();
      return sendProblem(reply, err.code, {
        detail: err.message,
        traceId,
        errors: err.reasons,
        retryAfterSeconds: err.retryAfterSeconds ?? (err.retriable ? 5 : undefined),
      });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendProblem(reply, 'PAYLOAD_TOO_LARGE', {
        detail: 'the body is larger than the configured limit',
        traceId,
      });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendProblem(reply, 'UNSUPPORTED_MEDIA_TYPE', {
        detail: 'send application/json or application/x-ndjson',
        traceId,
      });
    if (err.statusCode === 400)
      return sendProblem(reply, 'MALFORMED_JSON', { detail: 'the body is not valid JSON', traceId });
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, 'INTERNAL', { detail: 'internal error', traceId });
  });

  app.post('/edge/queue', async (req, reply) => {
    const body = req.body as { json?: unknown; lines?: unknown[] } | undefined;
    if (!body)
      throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json or application/x-ndjson');
    const single = body.lines === undefined && !Array.isArray(body.json);
    const items: unknown[] = body.lines ?? (Array.isArray(body.json) ? body.json : [body.json]);
    if (items.length === 0) throw new AirlockError('MALFORMED_JSON', 'the batch is empty');
    if (items.length > config.ingress.maxRecordsPerRequest)
      throw new AirlockError(
        'PAYLOAD_TOO_LARGE',
        `a batch holds at most ${config.ingress.maxRecordsPerRequest} records`,
      );
    const checked = [];
    for (const item of items) checked.push(item instanceof AirlockError ? item : await checkItem(deps, item));
    if (single) {
      const [only] = checked;
      if (only instanceof AirlockError) throw only;
      if (!only) throw new AirlockError('MALFORMED_JSON', 'the body is empty');
      const [queued] = deps.outbox.enqueue([only]);
      return reply.code(202).send({ id: queued?.id, seq: queued?.seq, status: 'queued' });
    }
    const valid = checked.flatMap((c, index) => (c instanceof AirlockError ? [] : [{ index, c }]));
    const queued = deps.outbox.enqueue(valid.map((v) => v.c));
    const byIndex = new Map(valid.map((v, i) => [v.index, queued[i]]));
    const results = checked.map((c, index) =>
      c instanceof AirlockError
        ? batchEntry(index, c)
        : { index, status: 202, id: byIndex.get(index)?.id, seq: byIndex.get(index)?.seq },
    );
    const accepted = results.filter((r) => r.status === 202).length;
    return reply.code(207).send({ accepted, rejected: results.length - accepted, results });
  });

  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/health/ready', async () => ({ status: 'ready' }));
  app.get('/health/sync-status', async () => {
    const s = deps.outbox.stats();
    const sync = deps.sync();
    return {
      station: config.edge.stationId,
      connectivity: sync.connectivity,
      breaker: sync.breaker,
      queued: s.queued,
      oldest_queued_age_s:
        s.oldestQueuedAt === undefined ? null : Math.floor((Date.now() - s.oldestQueuedAt) / 1000),
      in_flight: s.inFlight
        ? {
            records: s.inFlight.seqs.length,
            idempotency_key: s.inFlight.idempotencyKey,
            since: new Date(s.inFlight.startedAt).toISOString(),
          }
        : null,
      last_sync_at: sync.lastSyncAt ?? null,
      last_error: sync.lastError ?? null,
      synced: sync.synced,
      rejects: { count: s.rejected, recent: deps.outbox.rejects().slice(-20) },
    };
  });
  app.get('/metrics', async (_req, reply) => {
    const m = await deps.metrics();
    return reply.type(m.contentType).send(m.text);
  });
  return app;
}
