/** RFC 9457 problem details, built from the error-code registry. */
import type { FastifyReply } from 'fastify';
import { type AirlockError, ERROR_CODES, type ErrorCode, type Reason } from './errors.ts';

export interface ProblemOptions {
  detail: string;
  traceId?: string | undefined;
  errors?: readonly Reason[] | undefined;
  /** Reasons found beyond those listed in `errors`. */
  omitted?: number | undefined;
  retryAfterSeconds?: number | undefined;
}

export function sendProblem(reply: FastifyReply, code: ErrorCode, opts: ProblemOptions): FastifyReply {
  const status = ERROR_CODES[code].status ?? 500;
  if (opts.retryAfterSeconds !== undefined) reply.header('retry-after', String(opts.retryAfterSeconds));
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `urn:airlock:error:${code.toLowerCase()}`,
      title: ERROR_CODES[code].title,
      status,
      detail: opts.detail,
      code,
      ...(opts.traceId === undefined ? {} : { trace_id: opts.traceId }),
      ...(opts.errors === undefined
        ? {}
        : { errors: opts.errors.map(({ path, message, rule }) => ({ path, message, rule })) }),
      ...(opts.omitted ? { errors_omitted: opts.omitted } : {}),
    });
}

/** One refused record of a batch's 207 answer: what it would have been answered alone. */
export function batchEntry(index: number, err: AirlockError) {
  return {
    index,
    status: ERROR_CODES[err.code].status ?? 500,
    code: err.code,
    detail: err.message,
    ...(err.reasons.length > 0
      ? { errors: err.reasons.map(({ path, message, rule }) => ({ path, message, rule })) }
      : {}),
    ...(err.omittedReasons > 0 ? { errors_omitted: err.omittedReasons } : {}),
  };
}
