/**
 * The validators' decision for one ingress record, without I/O: either the envelope to publish on
 * the validated topic, or the rejection (code and reasons) to send to the DLQ. In core/ because the
 * DLQ replayer's dry run judges with the same code.
 */

import { principalOf } from '../core/auth/issuers.ts';
import type { Rejection } from '../core/consumer/dead-letter.ts';
import type { RouteContract, RouteName } from '../core/contract.ts';
import { isRouteName, routeKey } from '../core/contract.ts';
import { CHECK_IDS } from '../core/errors.ts';
import type { PartsTraceRecord } from '../core/generated/avro-types.ts';
import { Header, type HeaderMap, LineageError, readLineage } from '../core/headers.ts';
import { jsonTextProblem, STRICT_UTF8 } from '../core/json-text.ts';
import { checkAgainst } from '../core/schema-check.ts';
import { checkContext } from '../rules/context.ts';
import {
  type HistoryRead,
  type HistoryUpdate,
  history as historyOf,
  historyUpdates,
  idempotencyKey,
} from '../rules/history.ts';
import { judge, refusal } from '../rules/index.ts';
import type { ReferenceData } from '../rules/refdata.ts';
import { schemaRuleFor } from '../rules/schema-rules.ts';
import type { RuleParams } from '../rules/types.ts';

/** The envelope's lineage fields, typed from avro/envelope.avsc (core/generated). */
export type EnvelopeFields = Omit<PartsTraceRecord, 'payload'>;

export type Verdict =
  | {
      kind: 'valid';
      route: RouteName;
      key: string;
      envelope: EnvelopeFields & { payload: Record<string, unknown> };
      /** What the record changes in its partition's history (empty without history). */
      updates: HistoryUpdate[];
    }
  /** The sender's retry of a record already validated: not published again (DESIGN.md). */
  | { kind: 'duplicate'; traceId: string; firstTraceId: string }
  | ({ kind: 'rejected' } & Rejection);

/** The history a verdict reads: the record's partition, and how long an idempotency pair counts. */
export interface HistoryInput {
  read: HistoryRead;
  idempotencyWindowMs: number;
}

const reject = (code: Rejection['code'], rule: string, path: string, message: string): Verdict => ({
  kind: 'rejected',
  code,
  reasons: [{ code, rule, path, message }],
});

export function validateRecord(
  value: Buffer | null,
  headers: HeaderMap,
  contracts: ReadonlyMap<RouteName, RouteContract>,
  params: RuleParams,
  now: Date,
  reference?: ReferenceData,
  history?: HistoryInput,
): Verdict {
  let lineage: ReturnType<typeof readLineage>;
  try {
    lineage = readLineage(headers);
  } catch (err) {
    if (err instanceof LineageError) return reject('LINEAGE_MISSING', CHECK_IDS.lineage, '', err.message);
    throw err;
  }
  const receivedAt = Date.parse(lineage.receivedAt);
  if (Number.isNaN(receivedAt)) {
    return reject('LINEAGE_MISSING', CHECK_IDS.lineage, '', `${Header.receivedAt} is not an RFC 3339 time`);
  }
  const route = lineage.route;
  const contract = isRouteName(route) ? contracts.get(route) : undefined;
  if (!contract || !isRouteName(route))
    return reject('UNKNOWN_ROUTE', CHECK_IDS.route, '', `unknown route "${route}"`);

  // A retry of a record validated within the window (same sender, key and position) is dropped.
  // Only a record that names its position has a pair (records of an ingress before 2026-12-02 do
  // not: in a batch they share one key); a replay is an auditor's decision, never a retry.
  const pair =
    lineage.idempotencyKey === undefined ||
    lineage.idempotencyIndex === undefined ||
    lineage.source === 'replay'
      ? undefined
      : idempotencyKey(principalOf(lineage), lineage.idempotencyKey, lineage.idempotencyIndex);
  if (history && pair !== undefined) {
    const first = historyOf.idempotency(history.read, pair);
    if (first && receivedAt - Date.parse(first.at) <= history.idempotencyWindowMs)
      return { kind: 'duplicate', traceId: lineage.traceId, firstTraceId: first.trace_id };
  }

  let contextJson: unknown;
  try {
    contextJson = JSON.parse(lineage.maintenanceContext);
  } catch {
    return reject('CONTEXT_INVALID', CHECK_IDS.context, '', `${Header.maintenanceContext} is not JSON`);
  }
  const ctx = checkContext(contextJson);
  if (!ctx.ok) return { kind: 'rejected', code: 'CONTEXT_INVALID', reasons: [ctx.reason] };

  if (value === null) return reject('UNDECODABLE_RECORD', CHECK_IDS.json, '', 'the record has no value');
  // The ingress refuses these already; a record from elsewhere (a replay, an edge station, a
  // producer that bypassed it) meets the same checks here (issue #12 §11, §12).
  let body: unknown;
  try {
    const text = STRICT_UTF8.decode(value);
    const problem = jsonTextProblem(text);
    if (problem !== undefined) return reject('UNDECODABLE_RECORD', CHECK_IDS.json, '', problem);
    body = JSON.parse(text);
  } catch {
    return reject('UNDECODABLE_RECORD', CHECK_IDS.json, '', 'the record value is not UTF-8 JSON');
  }
  const checked = checkAgainst(contract.payloadType, body, schemaRuleFor(route));
  if (!checked.ok) return { kind: 'rejected', code: 'SCHEMA_VIOLATION', reasons: checked.reasons };

  // Judged as of when the record was received (never later than now): a replay or a record read
  // after an outage gets the verdict it would have had on arrival, and a sender cannot post-date it.
  const judgement = judge(
    route,
    checked.value,
    ctx.context,
    params,
    new Date(Math.min(receivedAt, now.getTime())),
    reference,
    history?.read,
  );
  const refused = refusal(judgement);
  if (refused) return { kind: 'rejected', ...refused };

  const envelope: EnvelopeFields & { payload: Record<string, unknown> } = {
    trace_id: lineage.traceId,
    received_at: receivedAt,
    source: lineage.source,
    route,
    idempotency_key: lineage.idempotencyKey ?? null,
    maintenance_context: ctx.context,
    actor: {
      subject: lineage.subject,
      role: lineage.role,
      client_cert_sha256: lineage.clientCertSha256 ?? null,
      tenant: lineage.tenant ?? null,
      issuer: lineage.issuer ?? null,
    },
    rule_set: judgement.ruleSet,
    rule_set_version: judgement.version,
    warnings: judgement.warnings.map(({ rule, path, message }) => ({ rule, path, message })),
    payload: checked.value,
  };
  if (!contract.recordType.isValid(envelope)) {
    return reject('SCHEMA_VIOLATION', CHECK_IDS.envelope, '', 'the lineage does not fit the envelope schema');
  }
  const registration = ctx.context.aircraft_registration;
  const updates: HistoryUpdate[] = [];
  if (history) {
    updates.push(...historyUpdates(route, checked.value, body, registration, lineage.traceId, history.read));
    if (pair !== undefined)
      updates.push({
        store: 'idempotency',
        key: pair,
        value: { trace_id: lineage.traceId, at: lineage.receivedAt },
      });
  }
  return { kind: 'valid', route, key: routeKey(route, checked.value, registration), envelope, updates };
}
