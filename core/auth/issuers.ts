/**
 * The trusted identity providers (issue #15 §2) and what a verified token's claims say: which
 * Airlock role, which tenant. Pure: core/auth/token-verifier.ts verifies, this reads.
 */
import type { JWTPayload } from 'jose';
import { tenantName } from '../config/identity-schema.ts';
import type { Config, IssuerSettings } from '../config/schema.ts';

/** The tenant of a token whose issuer names none (a single-airline deployment). */
export const DEFAULT_TENANT = 'default';

export interface TrustedIssuer {
  issuer: string;
  audience: string;
  jwksUrl?: string | undefined;
  jwksFile?: string | undefined;
  algorithms: readonly string[];
  clockToleranceS: number;
  roleClaim: string | readonly string[];
  roleMap?: Readonly<Record<string, string>> | undefined;
  tenantClaim?: string | readonly string[] | undefined;
  tenant: string;
  tenants?: readonly string[] | undefined;
}

/**
 * The issuers the configuration trusts: `jwt.issuers`, or the one of AIRLOCK_JWT_ISSUER, _AUDIENCE
 * and _JWKS_URL|_FILE (its role in the `role` claim, tenant `default`). core/config/load.ts refuses
 * both at once.
 */
export function trustedIssuers(config: Config): TrustedIssuer[] {
  const { jwt } = config;
  const list: readonly IssuerSettings[] =
    jwt.issuers ??
    (jwt.issuer && jwt.audience
      ? [
          {
            issuer: jwt.issuer,
            audience: jwt.audience,
            jwksUrl: jwt.jwksUrl,
            jwksFile: jwt.jwksFile,
            roleClaim: 'role',
          },
        ]
      : []);
  return list.map((i) => ({
    issuer: i.issuer,
    audience: i.audience,
    jwksUrl: i.jwksUrl,
    jwksFile: i.jwksFile,
    algorithms: i.algorithms ?? jwt.algorithms,
    clockToleranceS: i.clockToleranceS ?? jwt.clockToleranceS,
    roleClaim: i.roleClaim,
    roleMap: i.roleMap,
    tenantClaim: i.tenantClaim,
    tenant: i.tenant ?? DEFAULT_TENANT,
    tenants: i.tenants,
  }));
}

/** A claim by name, or by path into nested objects. */
export function claimAt(payload: JWTPayload, path: string | readonly string[]): unknown {
  if (typeof path === 'string') return payload[path];
  let node: unknown = payload;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const claimName = (path: string | readonly string[]) => (typeof path === 'string' ? path : path.join('.'));

/** The claim's values: a string split on white space (RFC 8693 `scope`), or an array of strings. */
function claimValues(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter((v) => v.length > 0);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/** The one Airlock role a token carries, or why it carries none. */
export function roleOf(payload: JWTPayload, issuer: TrustedIssuer): { role: string } | { refused: string } {
  const name = claimName(issuer.roleClaim);
  const values = claimValues(claimAt(payload, issuer.roleClaim));
  if (values === undefined) return { refused: `token claim ${name} is not a string or an array of strings` };
  const { roleMap } = issuer;
  const roles = new Set(
    roleMap ? values.flatMap((v) => (Object.hasOwn(roleMap, v) ? [roleMap[v] as string] : [])) : values,
  );
  if (roles.size === 0) return { refused: `token claim ${name} names no Airlock role` };
  // One token, one role: the role decides the routes and the limits, so it is never guessed.
  if (roles.size > 1) return { refused: `token claim ${name} names several Airlock roles: one is required` };
  return { role: [...roles][0] as string };
}

/** The tenant a token speaks for, or why it speaks for none that this issuer may name. */
export function tenantOf(
  payload: JWTPayload,
  issuer: TrustedIssuer,
): { tenant: string } | { refused: string } {
  if (issuer.tenantClaim === undefined) return { tenant: issuer.tenant };
  const name = claimName(issuer.tenantClaim);
  const value = claimAt(payload, issuer.tenantClaim);
  if (typeof value !== 'string') return { refused: `token claim ${name} (the tenant) is not a string` };
  if (!tenantName.safeParse(value).success)
    return { refused: `token claim ${name} is not a tenant name (1–64 letters, digits, ".", "_", "-")` };
  if (issuer.tenants && !issuer.tenants.includes(value))
    return { refused: `this issuer may not speak for tenant ${value}` };
  return { tenant: value };
}

/**
 * The tenants the configuration names (issuers' fixed tenants and allow-lists, tenant limits):
 * the only values a metric label takes, so a claim cannot grow the metrics without bound.
 */
export function knownTenants(config: Config): ReadonlySet<string> {
  const known = new Set([DEFAULT_TENANT]);
  for (const i of trustedIssuers(config)) {
    known.add(i.tenant);
    for (const t of i.tenants ?? []) known.add(t);
  }
  for (const t of Object.keys(config.ingress.tenantLimits)) if (t !== '*') known.add(t);
  return known;
}

/**
 * Who a sender is across issuers: `sub` is unique only within its issuer (OpenID Connect Core
 * §2), so with a list of issuers the subject is qualified by its issuer wherever it scopes state
 * (idempotency keys, rate limits, record status). `issuer` is set only then: with the single-issuer
 * settings the principal is the subject, as it was before issuers could be listed.
 */
export const principalOf = (p: { issuer?: string | undefined; subject: string }): string =>
  p.issuer === undefined ? p.subject : `${p.issuer} ${p.subject}`;

/**
 * Whose a record's status timeline is (GET /v1/records/{id}): its sender's principal and tenant.
 * A timeline written before tenants existed names its subject alone (tenant `default`).
 */
export const ownerOf = (p: { issuer?: string | undefined; subject: string; tenant: string }): string =>
  JSON.stringify([p.tenant, principalOf(p)]);

export function readOwner(owner: string): { tenant: string; principal: string } {
  if (owner.startsWith('[')) {
    try {
      const [tenant, principal] = JSON.parse(owner) as unknown[];
      if (typeof tenant === 'string' && typeof principal === 'string') return { tenant, principal };
    } catch {
      // not ours: a subject that starts with "["
    }
  }
  return { tenant: DEFAULT_TENANT, principal: owner };
}
