/**
 * Step 10½ (issue #15 §3): a tenant's record quota, taken once a request's records are checked and
 * just before they are published, counted in records. What a request took is given back when
 * nothing of it was published (a 503 whose records are not visible); an unknown outcome keeps it.
 */
import type { FastifyReply } from 'fastify';
import { AirlockError } from '../core/errors.ts';
import { sha } from '../core/store/store.ts';
import type { ResolvedDeps } from './deps.ts';
import type { Identity } from './identity.ts';

export type Refund = () => Promise<void>;
const nothing: Refund = async () => undefined;

/** Adds an item to a structured-field list header the rate limits set (RateLimit, RateLimit-Policy). */
function append(reply: FastifyReply, name: string, item: string) {
  const before = reply.getHeader(name);
  reply.header(name, before === undefined || before === '' ? item : `${String(before)}, ${item}`);
}

export async function takeQuota(
  deps: ResolvedDeps,
  reply: FastifyReply,
  identity: Identity,
  records: number,
): Promise<Refund> {
  const quotas = deps.config.ingress.tenantQuotas;
  const q = quotas[identity.tenant] ?? quotas['*'];
  if (!q || records === 0) return nothing;
  const key = `tenant:${sha(identity.tenant)}`;
  const d = await deps.store.takeQuota(key, records, q.records, q.windowMs);
  const resetS = Math.ceil(d.resetMs / 1000);
  append(reply, 'ratelimit-policy', `"quota";q=${q.records};w=${q.windowMs / 1000}`);
  append(reply, 'ratelimit', `"quota";r=${d.remaining};t=${resetS}`);
  if (!d.allowed) {
    deps.metrics.rateLimited.inc({ policy: 'quota', tenant: deps.tenantLabel(identity.tenant) });
    const more = records > q.records ? ' (more than the whole quota: split the request)' : '';
    throw new AirlockError(
      'QUOTA_EXCEEDED',
      `tenant ${identity.tenant} may send ${q.records} records per ${q.windowMs / 1000} s; ${d.remaining} are left and this request has ${records}${more}`,
      { retryAfterSeconds: Math.max(1, resetS) },
    );
  }
  return async () => {
    await deps.store
      .refundQuota(key, records, q.records, q.windowMs)
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not give back a tenant quota'));
  };
}
