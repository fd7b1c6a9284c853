/**
 * Dead-letter records: the original record, unchanged, with `airlock-error-*` headers that say which
 * stage rejected it, why (code, rule ids, JSON pointers, messages) and where it came from.
 */
import type { Message } from 'kafkajs';
import { type AirlockError, CHECK_IDS, type ErrorCode, type Reason } from '../errors.ts';
import { ErrorHeader, type HeaderMap, headersToMap } from '../headers.ts';
import type { StageName } from '../stage/names.ts';
import type { InputRecord, OutputRecord } from './transform-loop.ts';

export interface Rejection {
  code: ErrorCode;
  reasons: readonly Reason[];
}

export function rejectionHeaders(
  stage: StageName,
  rejection: Rejection,
  input: Pick<InputRecord, 'topic' | 'partition'> & { offset: string },
  now: Date,
): HeaderMap {
  const { reasons } = rejection;
  const first = reasons[0];
  return {
    [ErrorHeader.stage]: stage,
    [ErrorHeader.code]: rejection.code,
    [ErrorHeader.ruleIds]: [...new Set(reasons.map((r) => r.rule))].join(','),
    [ErrorHeader.paths]: JSON.stringify(reasons.map((r) => r.path)),
    [ErrorHeader.message]: first?.message ?? rejection.code,
    [ErrorHeader.reasons]: JSON.stringify(reasons),
    [ErrorHeader.attempts]: '1',
    [ErrorHeader.firstFailedAt]: now.toISOString(),
    [ErrorHeader.originalTopic]: input.topic,
    [ErrorHeader.originalPartition]: String(input.partition),
    [ErrorHeader.originalOffset]: input.offset,
  };
}

/** The DLQ output for an input record: same key, same value, original headers + error headers. */
export function toDlq(
  dlqTopic: string,
  stage: StageName,
  input: InputRecord,
  originalHeaders: HeaderMap,
  rejection: Rejection,
  now = new Date(),
): OutputRecord {
  const message: Message = {
    key: input.message.key,
    value: input.message.value,
    headers: {
      ...originalHeaders,
      ...rejectionHeaders(stage, rejection, { ...input, offset: input.message.offset }, now),
    },
  };
  return { topic: dlqTopic, message };
}

/** The DLQ output for a record whose processing failed with a permanent AirlockError. */
export function dlqForError(
  dlqTopic: string,
  stage: StageName,
  input: InputRecord,
  err: AirlockError,
): OutputRecord {
  const reasons =
    err.reasons.length > 0
      ? [...err.reasons]
      : [{ code: err.code, rule: CHECK_IDS.pipeline, path: '', message: err.message }];
  return toDlq(dlqTopic, stage, input, headersToMap(input.message.headers), { code: err.code, reasons });
}
