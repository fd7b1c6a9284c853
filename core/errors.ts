/**
 * The one registry of Airlock's error codes. Each code has a stable name, a title, the HTTP status the
 * ingress answers with (null where only the pipeline raises it) and whether retrying can help.
 * Retry-or-DLQ is decided by `retriable`, never by matching a message. docs/errors.md lists every
 * code; a unit test keeps the two in step.
 */
export const ERROR_CODES = {
  MALFORMED_JSON: { status: 400, retriable: false, title: 'Malformed JSON' },
  HEADER_INVALID: { status: 400, retriable: false, title: 'Invalid request header' },
  UNAUTHENTICATED: { status: 401, retriable: false, title: 'Unauthenticated' },
  SIGNATURE_INVALID: { status: 401, retriable: false, title: 'Record signature invalid' },
  ROLE_FORBIDDEN: { status: 403, retriable: false, title: 'Role not allowed on this route' },
  ORIGIN_FORBIDDEN: { status: 403, retriable: false, title: 'Web origin not allowed' },
  CLIENT_CERT_NOT_ALLOWED: { status: 403, retriable: false, title: 'Client certificate not allowed' },
  CONTEXT_INVALID: { status: 403, retriable: false, title: 'Invalid maintenance context' },
  NOT_FOUND: { status: 404, retriable: false, title: 'Not found' },
  RATE_LIMITED: { status: 429, retriable: true, title: 'Rate limited' },
  QUOTA_EXCEEDED: { status: 429, retriable: true, title: 'Tenant record quota exceeded' },
  IDEMPOTENCY_IN_FLIGHT: { status: 409, retriable: true, title: 'Same Idempotency-Key still in flight' },
  CONNECTION_RETIRED: {
    status: 421,
    retriable: true,
    title: 'Connection retired: retry on a new connection',
  },
  PAYLOAD_TOO_LARGE: { status: 413, retriable: false, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retriable: false, title: 'Unsupported media type' },
  SCHEMA_VIOLATION: { status: 422, retriable: false, title: 'Schema violation' },
  RULE_VIOLATION: { status: 422, retriable: false, title: 'Recordkeeping rule violation' },
  RULE_ERROR: { status: 422, retriable: false, title: 'A rule could not judge the record' },
  IDEMPOTENCY_MISMATCH: { status: 422, retriable: false, title: 'Idempotency-Key reused with another body' },
  KAFKA_UNAVAILABLE: { status: 503, retriable: true, title: 'Kafka unavailable' },
  REGISTRY_UNAVAILABLE: { status: 503, retriable: true, title: 'Schema registry unavailable' },
  REDIS_UNAVAILABLE: { status: 503, retriable: true, title: 'State store unavailable' },
  IDP_UNAVAILABLE: { status: 503, retriable: true, title: 'Identity provider unavailable' },
  OVERLOADED: { status: 503, retriable: true, title: 'Overloaded: shedding this route for now' },
  OUTBOX_FULL: { status: 507, retriable: true, title: 'Edge outbox full' },
  UNDECODABLE_RECORD: { status: null, retriable: false, title: 'Undecodable record' },
  LINEAGE_MISSING: { status: null, retriable: false, title: 'Lineage headers missing or invalid' },
  UNKNOWN_ROUTE: { status: null, retriable: false, title: 'Unknown route' },
  NO_ROUTE_MATCH: { status: null, retriable: false, title: 'No routing rule matched' },
  DUPLICATE: { status: null, retriable: false, title: 'A retry of a record already validated' },
  DESTINATION_REJECTED: { status: null, retriable: false, title: 'Refused by its destination topic' },
  INTERNAL: { status: 500, retriable: false, title: 'Internal error' },
} as const satisfies Record<string, { status: number | null; retriable: boolean; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Check ids: the `rule` of a reason that no rule of the regulatory catalogue raised (a record's
 * structure, its lineage, routing, a destination's refusal). The catalogue's own rule ids are in
 * rules/ and docs/rules.md. docs/errors.md lists these; a unit test keeps the two in step.
 */
export const CHECK_IDS = {
  /** The record does not match its Avro schema (ingress and validators). */
  schema: 'AVRO-SCHEMA',
  /** The lineage headers do not fit the envelope schema. */
  envelope: 'ENVELOPE',
  /** Not Confluent wire-format Avro with a schema the registry knows (router). */
  wire: 'AVRO-WIRE',
  /** The record value is missing or not JSON (validators). */
  json: 'JSON',
  /** A lineage header is missing or malformed. */
  lineage: 'LINEAGE',
  /** `airlock-route` names no route Airlock has. */
  route: 'ROUTE',
  /** The maintenance context's structure (its fields have catalogue rule ids: CTX-WO-1, …). */
  context: 'CTX',
  /** No rule of the routing table matches (router, and the replay dry run). */
  routing: 'ROUTING',
  /** The sender's Idempotency-Key and position were validated before (replay dry run). */
  idempotency: 'IDEMPOTENCY',
  /** The destination topic refused the record for good. */
  destination: 'DESTINATION',
  /** A permanent failure that carried no reason of its own. */
  pipeline: 'PIPELINE',
} as const;

export type CheckId = (typeof CHECK_IDS)[keyof typeof CHECK_IDS];

/** One finding about a record: a JSON pointer into it, what is wrong, and the rule that says so. */
export interface Reason {
  code: ErrorCode;
  rule: string;
  path: string;
  message: string;
}

export class AirlockError extends Error {
  override readonly name = 'AirlockError';
  readonly code: ErrorCode;
  readonly reasons: readonly Reason[];
  /** Further reasons found and not listed (core/schema-check.ts MAX_REASONS). */
  readonly omittedReasons: number;
  /** When a retry can succeed (429, 503); absent when unknown. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options: {
      cause?: unknown;
      reasons?: Reason[];
      omittedReasons?: number;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reasons = options.reasons ?? [];
    this.omittedReasons = options.omittedReasons ?? 0;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  get retriable(): boolean {
    return ERROR_CODES[this.code].retriable;
  }
}

/** Unknown failures are treated as transient: a record must never reach the DLQ for our own outage. */
export function isRetriable(err: unknown): boolean {
  return err instanceof AirlockError ? err.retriable : true;
}
