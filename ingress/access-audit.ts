/**
 * The access audit trail (issue #16 §4): every access decision of the ingress — allowed, denied, or
 * not decidable — as an Avro record (avro/access-audit.avsc) on airlock.access-audit.v1.
 *
 * Durable before the answer: a request is answered only once its decision is acknowledged by the
 * brokers (acks=all), so an ingress killed right after answering has lost none. For an allowed
 * request the write starts at the decision and runs beside the rest of the request (body, schema,
 * publish), so it adds no step to it; a refusal waits for its own write (micro-batched, a few ms).
 * After `waitMs` an answer goes out anyway and the failure is counted: a broker outage must not
 * hold every refusal for minutes. At least once: a write retried after a lost acknowledgement may
 * repeat a decision (same trace_id and at).
 *
 * What a decision holds is chosen field by field (`decisionOf`), never copied from the request:
 * no token, no body, no header's value, no badge hash; only verified identities (an unverified
 * token's claims are not evidence); the peer's network, not its address.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kafka, Message } from 'kafkajs';
import type { Config } from '../core/config/schema.ts';
import { readSchema } from '../core/contract.ts';
import type { Logger } from '../core/logger.ts';
import { encodeRecord, registerSchema, type SchemaRegistry } from '../core/registry.ts';
import type { Tracing } from '../core/telemetry/tracing.ts';
import type { MaintenanceContext } from '../rules/context.ts';
import { tlsSocketOf } from './http2.ts';
import type { Identity } from './identity.ts';
import type { IngressMetrics } from './metrics.ts';

export const ACCESS_AUDIT_SCHEMA = readSchema('access-audit.avsc');

/** One record of avro/access-audit.avsc. */
export interface AccessDecision {
  at: number;
  stage: 'ingress';
  instance: string;
  trace_id: string;
  otel_trace_id: string | null;
  method: string;
  route: string;
  outcome: 'allowed' | 'denied' | 'error';
  status: number | null;
  reason_code: string | null;
  subject: string | null;
  issuer: string | null;
  role: string | null;
  tenant: string | null;
  client_cert_sha256: string | null;
  client_address: string | null;
  aircraft_registration: string | null;
  work_order_id: string | null;
}

export interface AccessAudit {
  /** Resolves once the decision is acknowledged by the brokers; rejects when it could not be written. */
  record(decision: AccessDecision): Promise<void>;
  close(): Promise<void>;
}

/** The peer's network: an IPv4 address to its /24, IPv6 to its /48 (IPv4-mapped IPv6 as IPv4). */
export function clientNetwork(address: string | undefined): string | null {
  if (!address) return null;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(address);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (!address.includes(':')) return null;
  // Expand "::" to the missing groups, then keep three groups of eight.
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return `${groups
    .slice(0, 3)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}

/** SHA-256 of the client certificate the handshake verified (for a refusal: no identity to ask). */
function verifiedCertSha256(req: FastifyRequest): string | null {
  const socket = tlsSocketOf(req.raw);
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return null;
  const raw = socket.getPeerCertificate().raw;
  return raw ? createHash('sha256').update(raw).digest('hex') : null;
}

/** This process, as its decisions name it. */
export const instanceName = (transactionalId: string | undefined) =>
  transactionalId ?? `${hostname()}:${process.pid}`;

/**
 * The decision about a request, from what the ingress verified — nothing else. `refusal` is the
 * problem it was answered with; absent, the request was allowed.
 */
export function decisionOf(
  req: FastifyRequest,
  instance: string,
  facts: {
    traceId: string;
    otelTraceId?: string | undefined;
    identity?: Identity | undefined;
    context?: MaintenanceContext | undefined;
    refusal?: { status: number; code: string } | undefined;
  },
): AccessDecision {
  const { identity, refusal } = facts;
  return {
    at: Date.now(),
    stage: 'ingress',
    instance,
    trace_id: facts.traceId,
    otel_trace_id: facts.otelTraceId ?? null,
    method: req.method,
    route: req.routeOptions.url ?? 'unmatched',
    outcome: !refusal ? 'allowed' : refusal.status >= 500 ? 'error' : 'denied',
    status: refusal?.status ?? null,
    reason_code: refusal?.code ?? null,
    subject: identity?.subject ?? null,
    issuer: identity?.issuer ?? null,
    role: identity?.role ?? null,
    tenant: identity?.tenant ?? null,
    client_cert_sha256: identity?.clientCertSha256 ?? verifiedCertSha256(req),
    client_address: clientNetwork(req.raw.socket?.remoteAddress),
    // Only what a valid context named, and only for an allowed request (never the badge hash).
    aircraft_registration: (!refusal && facts.context?.aircraft_registration) || null,
    work_order_id: (!refusal && facts.context?.work_order_id) || null,
  };
}

/**
 * The Kafka writer: the schema under `<topic>-value`, one producer (acks=all), keyed by the
 * certificate so that one client's decisions keep their order. At most two sends in flight; what
 * arrives meanwhile waits and goes in the next send (up to 500): under load a write takes about one
 * round trip, however many decisions it carries. Idle, a decision waits `lingerMs` for company.
 */
export async function createAccessAudit(opts: {
  kafka: Kafka;
  registry: SchemaRegistry;
  topic: string;
  lingerMs: number;
  logger: Logger;
}): Promise<AccessAudit> {
  // Registered at the first decision (and again after a failure): the ingress starts, not ready,
  // while the registry is down, as before the trail.
  let schemaId: Promise<number> | undefined;
  const idOf = () =>
    (schemaId ??= registerSchema(opts.registry, `${opts.topic}-value`, ACCESS_AUDIT_SCHEMA).catch(
      (err: unknown) => {
        schemaId = undefined;
        throw err;
      },
    ));
  const producer = opts.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 2 });
  await producer.connect();
  let queue: { message: Message; settle: (err?: unknown) => void }[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  const pump = () => {
    clearTimeout(timer);
    timer = undefined;
    while (inFlight < 2 && queue.length > 0) {
      const batch = queue.slice(0, 500);
      queue = queue.slice(batch.length);
      inFlight++;
      producer
        .send({ topic: opts.topic, acks: -1, messages: batch.map((b) => b.message) })
        .then(
          () => {
            for (const b of batch) b.settle();
          },
          (err: unknown) => {
            for (const b of batch) b.settle(err);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };
  return {
    async record(decision) {
      const value = await encodeRecord(opts.registry, await idOf(), decision);
      await new Promise<void>((resolve, reject) => {
        queue.push({
          message: { key: decision.client_cert_sha256, value },
          settle: (err) => (err === undefined ? resolve() : reject(err)),
        });
        if (inFlight < 2) timer ??= setTimeout(pump, opts.lingerMs);
      });
    },
    async close() {
      pump();
      await producer.disconnect();
    },
  };
}

/** A decision's write: `written`, `failed`, or `late` once `waitMs` passed since the decision. */
export type AuditWrite = Promise<'written' | 'failed' | 'late'>;

/**
 * Wires the trail into the ingress: `allowed(req)` starts an allowed request's write at its decision
 * (records-route.ts); every /v1 answer then waits for its decision in onSend — a refusal's is
 * written there, with the code it was answered with (`req.airlock.refusedWith`).
 */
export function registerAccessAudit(
  app: FastifyInstance,
  deps: {
    accessAudit?: AccessAudit | undefined;
    tracing: Tracing;
    metrics: IngressMetrics;
    logger: Logger;
    config: Config;
    instance: string;
  },
): { allowed: (req: FastifyRequest) => void } {
  const { accessAudit: audit } = deps;
  if (!audit) return { allowed: () => undefined };
  const write = (req: FastifyRequest, refusal?: { status: number; code: string }) => {
    const a = req.airlock;
    if (!a) return;
    const decision = decisionOf(req, deps.instance, {
      traceId: a.traceId,
      otelTraceId: deps.tracing.enabled ? a.span?.traceparent.split('-')[1] : undefined,
      identity: a.identity,
      context: a.context,
      refusal,
    });
    // Settled at once into an outcome (a failure is the answer's to count, never an unhandled
    // rejection), and bounded from the decision on: a request that took long already waited.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deps.config.accessAudit.waitMs);
    });
    const written = audit.record(decision).then(
      () => 'written' as const,
      (err: unknown) => {
        deps.logger.warn({ err, traceId: a.traceId }, 'access decision write failed');
        return 'failed' as const;
      },
    );
    a.audit = Promise.race([written, late]).finally(() => clearTimeout(timer));
  };
  app.addHook('onSend', async (req, reply) => {
    const a = req.airlock;
    // A CORS preflight (OPTIONS) decides nothing: the request it announces is audited itself.
    if (!a || req.method === 'OPTIONS' || !req.routeOptions.url?.startsWith('/v1/')) return;
    if (!a.audit) {
      const status = reply.statusCode;
      write(req, status >= 400 ? { status, code: a.refusedWith ?? `HTTP_${status}` } : undefined);
    }
    const outcome = a.audit ? await a.audit : 'written';
    if (outcome !== 'written') {
      deps.metrics.accessAuditFailures.inc({ reason: outcome });
      deps.logger.error(
        { traceId: a.traceId, reason: outcome },
        'ALARM: an access decision was not written to the audit trail in time; answered anyway',
      );
    }
  });
  return { allowed: (req) => write(req) };
}
