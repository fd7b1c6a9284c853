/**
 * What a replay of one DLQ record would be, decided without I/O: refused (already replayed, loop
 * guard, no body), or the record to publish on the ingress topic — the body as it was or patched,
 * with a new trace id, `airlock-source: replay` and `airlock-replay-*` headers — together with
 * today's verdict of the validators and the router's table on it (the dry run).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RouteContract, RouteName } from '../core/contract.ts';
import { CHECK_IDS, type Reason } from '../core/errors.ts';
import { ErrorHeader, Header, type HeaderMap, ReplayHeader } from '../core/headers.ts';
import { childTraceparent } from '../core/trace.ts';
import { matchDestinations, noRouteMatch, type RoutingRule } from '../router/table.ts';
import type { ReferenceData } from '../rules/refdata.ts';
import type { RuleParams } from '../rules/types.ts';
import { type HistoryInput, validateRecord } from '../validators/verdict.ts';
import { type DlqEntry, mergePatch } from './entry.ts';

/** Every replay of a DLQ record so far (from airlock.replay-audit.v1), by `<topic>:<partition>:<offset>`. */
export type ReplayIndex = ReadonlyMap<
  string,
  readonly { auditId: string; at: string; replayTraceId: string }[]
>;

export const coordinates = (e: Pick<DlqEntry, 'topic' | 'partition' | 'offset'>) =>
  `${e.topic}:${e.partition}:${e.offset}`;

export type RefusalCode = 'ALREADY_REPLAYED' | 'LOOP_GUARD' | 'NO_BODY';

export interface Operator {
  subject: string;
  role: string;
  issuer: string;
  jti: string;
}

export interface PlanOptions {
  operator: Operator;
  reason: string;
  /** Replay records already replayed, for this reason. */
  forceReason?: string | undefined;
  /** How many times one record may be replayed in all (the loop guard). */
  maxReplays: number;
  /** A merge patch for this record, when it is replayed corrected. */
  patch?: unknown;
  now: Date;
}

/** Today's verdict on a replay; a passing one carries the key the validators give it (its route's). */
export type Check =
  | { pass: true; destinations: string[]; key: string }
  | { pass: false; code: string; reasons: Reason[] };

export type Plan =
  | { kind: 'refused'; entry: DlqEntry; code: RefusalCode; message: string }
  | {
      kind: 'ready';
      entry: DlqEntry;
      auditId: string;
      traceId: string;
      originalTraceId: string;
      replayCount: number;
      patch: string | null;
      value: Buffer;
      bodySha256: string;
      headers: HeaderMap;
      check: Check;
    };

/** Headers the rejected record carried that a replay must not: its rejection, and an earlier replay's. */
const dropped = (name: string) => name.startsWith('airlock-error-') || name.startsWith('airlock-replay-');

export function planReplay(
  entry: DlqEntry,
  body: unknown,
  replays: ReplayIndex,
  opts: PlanOptions,
  judge: (value: Buffer, headers: HeaderMap) => Check,
): Plan {
  const refuse = (code: RefusalCode, message: string): Plan => ({ kind: 'refused', entry, code, message });
  const earlier = replays.get(coordinates(entry)) ?? [];
  // Every replay counts: the record's own cycles (its headers) and earlier replays of this DLQ record.
  const replayCount = (entry.replayOf?.count ?? 0) + earlier.length + 1;
  if (replayCount > opts.maxReplays) {
    return refuse(
      'LOOP_GUARD',
      `this record has already been replayed ${replayCount - 1} time(s); the limit is ${opts.maxReplays}`,
    );
  }
  if (earlier.length > 0 && opts.forceReason === undefined) {
    const last = earlier.at(-1);
    return refuse(
      'ALREADY_REPLAYED',
      `already replayed ${earlier.length} time(s), last at ${last?.at} as ${last?.replayTraceId}; --force with --force-reason to replay it again`,
    );
  }
  const patched = opts.patch === undefined ? body : mergePatch(body, opts.patch);
  if (patched === undefined) {
    return refuse('NO_BODY', 'the rejected body is not JSON; give the whole corrected body with --patch');
  }
  // As it was: the exact bytes received, when they were JSON; corrected: the patched JSON.
  const value =
    opts.patch === undefined && entry.value !== null && entry.stage !== 'router'
      ? entry.value
      : Buffer.from(JSON.stringify(patched));

  const traceId = randomUUID();
  const auditId = randomUUID();
  const originalTraceId = entry.replayOf?.originalTraceId || entry.traceId;
  const headers: HeaderMap = {};
  for (const [k, v] of Object.entries(entry.headers)) if (!dropped(k)) headers[k] = v;
  Object.assign(headers, {
    [Header.traceId]: traceId,
    [Header.source]: 'replay',
    [Header.traceparent]: childTraceparent(entry.headers[Header.traceparent]),
    [ReplayHeader.dlqTopic]: entry.topic,
    [ReplayHeader.dlqPartition]: String(entry.partition),
    [ReplayHeader.dlqOffset]: entry.offset,
    [ReplayHeader.by]: opts.operator.subject,
    [ReplayHeader.reason]: opts.reason,
    [ReplayHeader.count]: String(replayCount),
    [ReplayHeader.originalTraceId]: originalTraceId,
    [ReplayHeader.auditId]: auditId,
    [ReplayHeader.patched]: String(opts.patch !== undefined),
  });
  return {
    kind: 'ready',
    entry,
    auditId,
    traceId,
    originalTraceId,
    replayCount,
    patch: opts.patch === undefined ? null : JSON.stringify(opts.patch),
    value,
    bodySha256: createHash('sha256').update(value).digest('hex'),
    headers,
    check: judge(value, headers),
  };
}

/** Today's validators and routing table on a would-be replay: the dry run's verdict. */
export function judgeWith(
  contracts: ReadonlyMap<RouteName, RouteContract>,
  rules: () => RuleParams,
  table: readonly RoutingRule[],
  now: () => Date,
  reference?: ReferenceData,
  history?: HistoryInput,
): (value: Buffer, headers: HeaderMap) => Check {
  // The records of one run are judged in order, each against the history as the ones before it
  // leave it if they are replayed (the validators judge the replays in that order, per partition).
  const overlay = history && new Map<string, unknown>();
  const read = history && {
    get: (store: string, key: string) => {
      const k = `${store}\u0000${key}`;
      return overlay?.has(k) ? overlay.get(k) : history.read.get(store, key);
    },
  };
  return (value, headers) => {
    const verdict = validateRecord(
      value,
      headers,
      contracts,
      rules(),
      now(),
      reference,
      history && read && { read, idempotencyWindowMs: history.idempotencyWindowMs },
    );
    if (verdict.kind === 'rejected')
      return { pass: false, code: verdict.code, reasons: [...verdict.reasons] };
    if (verdict.kind === 'duplicate') {
      const message = `a retry of ${verdict.firstTraceId}, validated already: the validators would drop it as a duplicate`;
      return {
        pass: false,
        code: 'DUPLICATE',
        reasons: [{ code: 'DUPLICATE', rule: CHECK_IDS.idempotency, path: '', message }],
      };
    }
    for (const u of verdict.updates) overlay?.set(`${u.store}\u0000${u.key}`, u.value);
    const destinations = matchDestinations(table, verdict.envelope as unknown as Record<string, unknown>);
    if (destinations.length === 0) {
      return { pass: false, code: 'NO_ROUTE_MATCH', reasons: [noRouteMatch(verdict.route)] };
    }
    return { pass: true, destinations, key: verdict.key };
  };
}

/** The rejection a DLQ record carries, summarised for the audit record. */
export function rejectionOf(entry: DlqEntry) {
  return {
    stage: entry.headers[ErrorHeader.stage] ?? '',
    code: entry.code,
    rule_ids: entry.ruleIds,
  };
}
