/**
 * The identity part of the configuration (issue #12, issue #15 §2): the jwt section, with its list
 * of trusted issuers and their claim mappings, and the tenant name they yield.
 */
import { z } from 'zod';

/**
 * The most clock skew any setting may allow on exp, nbf and iat: a revocation outlives a token's
 * exp by this much, so no check that still accepts the token can come after its revocation ended.
 */
export const MAX_CLOCK_TOLERANCE_S = 60;

const ms = z.number().int().positive();

/** A tenant: the customer organisation (an airline) a token speaks for (issue #15 §3). */
export const tenantName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a tenant: 1–64 letters, digits, ".", "_" or "-"');
const jwsAlgorithms = z
  .array(z.enum(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA']))
  .min(1);
/**
 * Where a claim is: a top-level claim's name (`role`, `scope`, `https://idp.example/roles`, dots and
 * all), or the path to a nested one (`["realm_access", "roles"]`, Keycloak's).
 */
const claimPath = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(8)]);

/**
 * One trusted identity provider (issue #15 §2): the token's `iss` picks it. Unset algorithms and
 * clock tolerance are the jwt section's.
 */
export const issuerSchema = z
  .strictObject({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
    jwksFile: z.string().min(1).optional(),
    algorithms: jwsAlgorithms.optional(),
    clockToleranceS: z.number().int().min(0).max(MAX_CLOCK_TOLERANCE_S).optional(),
    // The claim that names the role: a string (split on white space, as `scope` is) or an array.
    roleClaim: claimPath.default('role'),
    // The claim's values → Airlock roles; values it does not name are ignored. Without a map the
    // values are the roles themselves. Either way a token must come to exactly one Airlock role.
    roleMap: z.record(z.string().min(1), z.string().min(1)).optional(),
    // The claim that names the tenant (`org`, `tenant`): required in every token when set.
    tenantClaim: claimPath.optional(),
    // The tenant of every token of this issuer (an airline's own provider), instead of a claim.
    tenant: tenantName.optional(),
    // With tenantClaim: the tenants this issuer may speak for; any other is refused.
    tenants: z.array(tenantName).min(1).optional(),
  })
  .refine((i) => (i.jwksUrl === undefined) !== (i.jwksFile === undefined), {
    message: 'exactly one of jwksUrl and jwksFile',
  })
  .refine((i) => !(i.tenant !== undefined && i.tenantClaim !== undefined), {
    message: 'tenant (fixed) and tenantClaim exclude each other',
  })
  .refine((i) => i.tenants === undefined || i.tenantClaim !== undefined, {
    message: 'tenants is the allow-list of tenantClaim: set tenantClaim too',
  });
export type IssuerSettings = z.infer<typeof issuerSchema>;

export const jwtSection = z.strictObject({
  jwksFile: z.string().min(1).optional(),
  jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
  // Development only: a JWKS URL over plain http, and only on a loopback address (issue #12 §5).
  allowLoopbackHttpJwks: z.boolean().default(false),
  issuer: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  algorithms: jwsAlgorithms.default(['ES256', 'RS256', 'PS256', 'EdDSA']),
  // Several identity providers (issue #15 §2), instead of issuer/audience/jwksUrl|jwksFile above.
  issuers: z
    .array(issuerSchema)
    .min(1)
    .max(64)
    .refine((list) => new Set(list.map((i) => i.issuer)).size === list.length, 'each issuer once')
    .optional(),
  maxTokenAgeS: z.number().int().min(1).max(86400).default(3600),
  // A token whose exp − iat is longer is refused, however it is signed (issue #12).
  maxLifetimeS: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .default(86400),
  clockToleranceS: z.number().int().min(0).max(MAX_CLOCK_TOLERANCE_S).default(30),
  requireTyp: z.boolean().default(false),
  jwksTimeoutMs: ms.default(2000),
  // How long a fetched JWKS is used before it is fetched again: a key removed from it stops
  // verifying tokens within this time (issue #12 §2b).
  jwksCacheMs: z.number().int().min(1000).max(3_600_000).default(300_000),
});
