/**
 * The Kafka error table: a Kafka protocol error type (kafkajs's `type`, the broker's error name) →
 * what a stage does about it. Retry or DLQ is decided here, from the error's type, never by
 * matching a message (STYLE.md "Errors"). A type the table does not name is transient: a record
 * must never reach the DLQ for an outage of ours.
 */

/**
 * - `fenced`: another producer owns the transactional id now; this process lets go of the partition.
 * - `refused`: the destination will never accept this record (DLQ with DESTINATION_REJECTED).
 * - `transient`: wait (backoff, circuit breaker) and try again.
 */
export type KafkaErrorKind = 'fenced' | 'refused' | 'transient';

export const KAFKA_ERRORS = {
  INVALID_PRODUCER_EPOCH: 'fenced',
  PRODUCER_FENCED: 'fenced',
  INVALID_PRODUCER_ID_MAPPING: 'fenced',
  MESSAGE_TOO_LARGE: 'refused',
  RECORD_LIST_TOO_LARGE: 'refused',
  INVALID_RECORD: 'refused',
  TOPIC_AUTHORIZATION_FAILED: 'refused',
  POLICY_VIOLATION: 'refused',
  INVALID_TOPIC_EXCEPTION: 'refused',
  // Named so that nobody "fixes" them into refusals: a missing topic or a busy coordinator is waited out.
  UNKNOWN_TOPIC_OR_PARTITION: 'transient',
  CONCURRENT_TRANSACTIONS: 'transient',
  COORDINATOR_LOAD_IN_PROGRESS: 'transient',
  NOT_COORDINATOR: 'transient',
  NOT_LEADER_FOR_PARTITION: 'transient',
  NOT_ENOUGH_REPLICAS: 'transient',
  REQUEST_TIMED_OUT: 'transient',
} as const satisfies Record<string, KafkaErrorKind>;

/**
 * kafkajs logs an error response at error level with its message only (no type). These are
 * expected under plain load and retried by kafkajs (a transaction begun while the previous one's
 * markers are still being written): logged at debug, not as errors (issue #11). The text is
 * kafkajs's own for the type (its protocol error table).
 */
export const EXPECTED_RETRY_MESSAGES: ReadonlyMap<string, string> = new Map([
  [
    'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
    'CONCURRENT_TRANSACTIONS',
  ],
]);

/** The Kafka protocol error types in an error and everything it wraps (kafkajs nests them). */
export function errorTypes(err: unknown, seen = new Set<unknown>()): string[] {
  if (err === null || typeof err !== 'object' || seen.has(err)) return [];
  seen.add(err);
  const e = err as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  const out = typeof e.type === 'string' ? [e.type] : [];
  for (const inner of [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    out.push(...errorTypes(inner, seen));
  }
  return [...new Set(out)];
}

export const kindOfType = (type: string): KafkaErrorKind =>
  Object.hasOwn(KAFKA_ERRORS, type) ? KAFKA_ERRORS[type as keyof typeof KAFKA_ERRORS] : 'transient';

/** An error's kind: fenced outranks refused, refused outranks transient. */
export function classifyKafkaError(err: unknown): { kind: KafkaErrorKind; types: string[] } {
  const types = errorTypes(err);
  const kinds = new Set(types.map(kindOfType));
  const kind = kinds.has('fenced') ? 'fenced' : kinds.has('refused') ? 'refused' : 'transient';
  return { kind, types };
}
