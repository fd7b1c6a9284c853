/**
 * What a sender may send (issue #15 §3): step 6, its identity's and its tenant's request windows
 * (sliding, in onRequest, before the body is read); and, once its records are checked, its tenant's
 * record quota (a fixed window counted in records, just before they are published). The IETF
 * RateLimit fields (draft-ietf-httpapi-ratelimit-headers) name every policy that applied.
 */
import type { FastifyReply } from 'fastify';
import { principalOf } from '../core/auth/issuers.ts';
import type { RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { type RateDecision, sha } from '../core/store/store.ts';
import type { ResolvedDeps } from './deps.ts';
import type { Identity } from './identity.ts';

type Policy = 'identity' | 'tenant' | 'quota';

/** A limit that applies to a request: its policy name (RateLimit-Policy), its key and window. */
interface AppliedLimit {
  policy: Policy;
  key: string;
  limit: number;
  windowMs: number;
}

const resetS = (d: RateDecision) => Math.ceil(d.resetMs / 1000);
/** One item of RateLimit-Policy, and of RateLimit. */
const policyItem = (l: AppliedLimit) => `"${l.policy}";q=${l.limit};w=${Math.ceil(l.windowMs / 1000)}`;
const stateItem = (l: AppliedLimit, d: RateDecision) => `"${l.policy}";r=${d.remaining};t=${resetS(d)}`;

/** Adds items to a structured-field list header (the quota's follow the request limits'). */
function append(reply: FastifyReply, name: string, items: string) {
  const before = reply.getHeader(name);
  reply.header(name, before === undefined || before === '' ? items : `${String(before)}, ${items}`);
}

/** The request limits a request counts against: its identity's, then its tenant's. */
function limitsFor(config: ResolvedDeps['config'], identity: Identity, route: RouteName): AppliedLimit[] {
  const out: AppliedLimit[] = [];
  const { rateLimits, tenantLimits } = config.ingress;
  const byRole = rateLimits[identity.role] ?? rateLimits['*'];
  const mine = byRole?.routes[route] ?? byRole;
  if (mine) {
    const key = `${sha(principalOf(identity))}:${identity.role}:${route}`;
    out.push({ policy: 'identity', key, limit: mine.limit, windowMs: mine.windowMs });
  }
  const byTenant = tenantLimits[identity.tenant] ?? tenantLimits['*'];
  const override = byTenant?.routes[route];
  const ours = override ?? byTenant;
  // A tenant's window is shared by all its identities; a per-route override has a window of its own.
  if (ours) {
    const key = `tenant:${sha(identity.tenant)}:${override ? route : '*'}`;
    out.push({ policy: 'tenant', key, limit: ours.limit, windowMs: ours.windowMs });
  }
  return out;
}

/**
 * Step 6: the sender's sliding windows, each taken in turn (a request its identity's limit refuses
 * takes nothing of its tenant's, so one noisy device does not spend its tenant's share), named in
 * RateLimit-Policy and RateLimit the most constrained first; RateLimit-Limit, -Remaining and
 * -Reset (the draft's earlier fields, what most clients read) give that one.
 */
export async function rateLimit(
  deps: ResolvedDeps,
  reply: FastifyReply,
  identity: Identity,
  route: RouteName,
) {
  const taken: { l: AppliedLimit; d: RateDecision }[] = [];
  for (const l of limitsFor(deps.current(), identity, route)) {
    const d = await deps.store.rateLimit(l.key, l.limit, l.windowMs);
    taken.push({ l, d });
    if (!d.allowed) break;
  }
  taken.sort((x, y) => Number(x.d.allowed) - Number(y.d.allowed) || x.d.remaining - y.d.remaining);
  const [tightest] = taken;
  if (!tightest) return;
  reply.header('ratelimit-policy', taken.map(({ l }) => policyItem(l)).join(', '));
  reply.header('ratelimit', taken.map(({ l, d }) => stateItem(l, d)).join(', '));
  const { l, d } = tightest;
  reply.header('ratelimit-limit', String(d.limit));
  reply.header('ratelimit-remaining', String(d.remaining));
  reply.header('ratelimit-reset', String(resetS(d)));
  if (!d.allowed) {
    deps.metrics.rateLimited.inc({ policy: l.policy, tenant: deps.tenantLabel(identity.tenant) });
    const whose = l.policy === 'tenant' ? `tenant ${identity.tenant}` : 'this identity';
    throw new AirlockError('RATE_LIMITED', `at most ${l.limit} requests per ${l.windowMs} ms for ${whose}`, {
      retryAfterSeconds: Math.max(1, resetS(d)),
    });
  }
}

/** Gives back what a quota take took, when nothing it was taken for was published. */
export type Refund = () => Promise<void>;
const nothing: Refund = async () => undefined;

/**
 * The tenant's record quota, taken for a request's checked records just before they are published.
 * Refused, the whole request is 429 QUOTA_EXCEEDED and nothing is taken (core/store/quota.ts).
 */
export async function takeQuota(
  deps: ResolvedDeps,
  reply: FastifyReply,
  identity: Identity,
  records: number,
): Promise<Refund> {
  const quotas = deps.current().ingress.tenantQuotas;
  const q = quotas[identity.tenant] ?? quotas['*'];
  if (!q || records === 0) return nothing;
  const l: AppliedLimit = {
    policy: 'quota',
    key: `tenant:${sha(identity.tenant)}`,
    limit: q.records,
    windowMs: q.windowMs,
  };
  const d = await deps.store.takeQuota(l.key, records, l.limit, l.windowMs);
  append(reply, 'ratelimit-policy', policyItem(l));
  append(reply, 'ratelimit', stateItem(l, d));
  if (!d.allowed) {
    deps.metrics.rateLimited.inc({ policy: 'quota', tenant: deps.tenantLabel(identity.tenant) });
    const more = records > l.limit ? ' (more than the whole quota: split the request)' : '';
    throw new AirlockError(
      'QUOTA_EXCEEDED',
      `tenant ${identity.tenant} may send ${l.limit} records per ${l.windowMs / 1000} s; ${d.remaining} are left and this request has ${records}${more}`,
      { retryAfterSeconds: Math.max(1, resetS(d)) },
    );
  }
  return async () => {
    await deps.store
      .refundQuota(l.key, records, l.limit, l.windowMs)
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not give back a tenant quota'));
  };
}
