/**
 * "Where is my record?": every stage records a record's progress by trace id — accepted (ingress),
 * validated or rejected (validators), routed or rejected (router), replayed (the DLQ replayer) — off the hot
 * path: events are buffered and written in batches. The ingress answers GET /v1/records/{trace_id}
 * from the same store. Kept in Redis for `retentionMs`; without Redis, in the one process (so a
 * single-process development setup sees only its own stage's events).
 */
import type { Message } from 'kafkajs';
import type { OutputRecord } from '../consumer/transform-loop.ts';
import { ErrorHeader, Header, type HeaderMap, headersToMap } from '../headers.ts';
import type { StageName } from '../stage/names.ts';

export type StatusState = 'accepted' | 'validated' | 'duplicate' | 'rejected' | 'routed' | 'replayed';

export interface StatusEvent {
  stage: StageName;
  state: StatusState;
  at: string;
  topics?: string[];
  code?: string;
  rules?: string[];
  /** On a rejected record's `replayed` event: the trace id its replay was accepted under. */
  replayedAs?: string;
  /** On a replay's `accepted` event: the trace id of the rejected record it replays. */
  replayOf?: string;
  /** On a `duplicate` event: the trace id of the first record validated with its Idempotency-Key. */
  duplicateOf?: string;
}

export interface StatusTimeline {
  traceId: string;
  /** The token subject that sent the record: it may read its own record's status. */
  owner: string | undefined;
  events: StatusEvent[];
}

export interface StatusStore {
  /** Appends events (batched, asynchronous: never awaited on the hot path). */
  record(traceId: string, event: StatusEvent, owner?: string): void;
  read(traceId: string): Promise<StatusTimeline | undefined>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const headerOf = (m: Message, name: string): string | undefined => headersToMap(m.headers as never)[name];

/**
 * Status events for the outputs of a committed consume-transform-produce batch: one event per
 * trace id per state; a record routed to several topics is one `routed` event naming them all.
 */
export function eventsFromOutputs(
  stage: 'validators' | 'router',
  outputs: readonly OutputRecord[],
  dlqTopic: string,
  at = new Date().toISOString(),
): Map<string, StatusEvent> {
  const events = new Map<string, StatusEvent>();
  for (const { topic, message } of outputs) {
    const traceId = headerOf(message, Header.traceId);
    if (!traceId) continue;
    if (topic === dlqTopic) {
      const h: HeaderMap = headersToMap(message.headers as never);
      const rules = h[ErrorHeader.ruleIds]?.split(',').filter((r) => r.length > 0);
      events.set(traceId, {
        stage,
        state: 'rejected',
        at,
        code: h[ErrorHeader.code] ?? 'UNKNOWN',
        rules: rules ?? [],
      });
      continue;
    }
    const prior = events.get(traceId);
    const state: StatusState = stage === 'validators' ? 'validated' : 'routed';
    events.set(traceId, { stage, state, at, topics: [...(prior?.topics ?? []), topic] });
  }
  return events;
}

const STAGE_ORDER: Record<StatusEvent['stage'], number> = {
  ingress: 0,
  validators: 1,
  router: 2,
  'dlq-replayer': 3,
  // The edge's records reach the centre through the ingress: their status begins there.
  edge: -1,
};

/** A record is accepted first (by the ingress, or by the DLQ replayer for a replay). */
const rank = (e: StatusEvent) => (e.state === 'accepted' ? -1 : STAGE_ORDER[e.stage]);

/**
 * A record passes the stages in one order; their events reach the store in batches from separate
 * processes, so they are put back in stage order (then time) when read.
 */
export function inStageOrder(events: readonly StatusEvent[]): StatusEvent[] {
  return [...events].sort((a, b) => rank(a) - rank(b) || a.at.localeCompare(b.at));
}
