/**
 * The Kafka record header contract of DESIGN.md, as typed constants, and its (de)serialisation.
 * Every header is UTF-8 text.
 */
import type { IHeaders } from 'kafkajs';

export const Header = {
  traceId: 'airlock-trace-id',
  route: 'airlock-route',
  idempotencyKey: 'airlock-idempotency-key',
  /** The record's position (0-based) in the request its Idempotency-Key was sent with. */
  idempotencyIndex: 'airlock-idempotency-index',
  receivedAt: 'airlock-received-at',
  source: 'airlock-source',
  subject: 'airlock-subject',
  role: 'airlock-role',
  /** The sender's tenant (issue #15 §3); absent on records accepted before tenants existed. */
  tenant: 'airlock-tenant',
  /** The token's issuer, when the ingress trusts a list of issuers (core/auth/issuers.ts principalOf). */
  issuer: 'airlock-issuer',
  clientCertSha256: 'airlock-client-cert-sha256',
  maintenanceContext: 'x-maintenance-context',
  traceparent: 'traceparent',
} as const;

/** On DLQ records: why the record was rejected and where it came from. */
export const ErrorHeader = {
  stage: 'airlock-error-stage',
  code: 'airlock-error-code',
  ruleIds: 'airlock-error-rule-ids',
  paths: 'airlock-error-paths',
  message: 'airlock-error-message',
  reasons: 'airlock-error-reasons',
  attempts: 'airlock-error-attempts',
  firstFailedAt: 'airlock-error-first-failed-at',
  originalTopic: 'airlock-error-original-topic',
  originalPartition: 'airlock-error-original-partition',
  originalOffset: 'airlock-error-original-offset',
} as const;

/**
 * On replayed records (dlq-replayer): which DLQ record was replayed, by whom, why, how many times
 * this record has cycled, and the trace id it was first accepted under.
 */
export const ReplayHeader = {
  dlqTopic: 'airlock-replay-dlq-topic',
  dlqPartition: 'airlock-replay-dlq-partition',
  dlqOffset: 'airlock-replay-dlq-offset',
  by: 'airlock-replay-by',
  reason: 'airlock-replay-reason',
  count: 'airlock-replay-count',
  originalTraceId: 'airlock-replay-original-trace-id',
  auditId: 'airlock-replay-audit-id',
  patched: 'airlock-replay-patched',
} as const;

export const SOURCES = ['http', 'edge', 'replay'] as const;
export type Source = (typeof SOURCES)[number];

/** The lineage every ingress record carries in its headers. */
export interface Lineage {
  traceId: string;
  route: string;
  idempotencyKey?: string | undefined;
  /** With idempotencyKey: the record's position in its request (a batch shares one key). */
  idempotencyIndex?: number | undefined;
  receivedAt: string;
  source: Source;
  subject: string;
  role: string;
  tenant?: string | undefined;
  issuer?: string | undefined;
  clientCertSha256?: string | undefined;
  maintenanceContext: string;
  traceparent: string;
}

export type HeaderMap = Record<string, string>;

export function lineageHeaders(l: Lineage): HeaderMap {
  const h: HeaderMap = {
    [Header.traceId]: l.traceId,
    [Header.route]: l.route,
    [Header.receivedAt]: l.receivedAt,
    [Header.source]: l.source,
    [Header.subject]: l.subject,
    [Header.role]: l.role,
    [Header.maintenanceContext]: l.maintenanceContext,
    [Header.traceparent]: l.traceparent,
  };
  if (l.idempotencyKey !== undefined) {
    h[Header.idempotencyKey] = l.idempotencyKey;
    h[Header.idempotencyIndex] = String(l.idempotencyIndex ?? 0);
  }
  if (l.clientCertSha256 !== undefined) h[Header.clientCertSha256] = l.clientCertSha256;
  if (l.tenant !== undefined) h[Header.tenant] = l.tenant;
  if (l.issuer !== undefined) h[Header.issuer] = l.issuer;
  return h;
}

/** One Kafka header as UTF-8 text; a header sent more than once gives its first value. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** Kafka headers as UTF-8 strings; a header sent more than once keeps its first value. */
export function headersToMap(headers: IHeaders | undefined): HeaderMap {
  const out: HeaderMap = {};
  for (const k of Object.keys(headers ?? {})) {
    const text = headerText(headers, k);
    if (text !== undefined) out[k] = text;
  }
  return out;
}

export class LineageError extends Error {
  override readonly name = 'LineageError';
}

const index = (v: string | undefined): number | undefined =>
  v !== undefined && /^\d{1,6}$/.test(v) ? Number(v) : undefined;

/** Reads the lineage back from a record's headers; throws LineageError naming the missing header. */
export function readLineage(h: HeaderMap): Lineage {
  const need = (name: string): string => {
    const v = h[name];
    if (v === undefined || v === '') throw new LineageError(`missing header ${name}`);
    return v;
  };
  const source = need(Header.source);
  if (!(SOURCES as readonly string[]).includes(source))
    throw new LineageError(`unknown ${Header.source} "${source}"`);
  return {
    traceId: need(Header.traceId),
    route: need(Header.route),
    idempotencyKey: h[Header.idempotencyKey],
    idempotencyIndex: index(h[Header.idempotencyIndex]),
    receivedAt: need(Header.receivedAt),
    source: source as Source,
    subject: need(Header.subject),
    role: need(Header.role),
    tenant: h[Header.tenant],
    issuer: h[Header.issuer],
    clientCertSha256: h[Header.clientCertSha256],
    maintenanceContext: need(Header.maintenanceContext),
    traceparent: need(Header.traceparent),
  };
}
