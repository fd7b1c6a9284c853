/**
 * Verifies access tokens with jose, strictly (DESIGN.md "Order of checks" 2, 3, 5): the compact JWS
 * shape and a length cap before any cryptography; then signature against the JWKS with an algorithm
 * allow-list, exact issuer and audience (of the issuer the token's `iss` picks, core/auth/issuers.ts),
 * required exp/iat/jti/sub, one Airlock role and a tenant from the issuer's claim mapping, a maximum token age, a
 * bounded clock tolerance, optional `typ: at+jwt` (RFC 9068) and unknown `crit` rejected (jose's
 * default); then the RFC 8705 certificate binding. Shared by the ingress and the DLQ tool
 * (dlq-replayer/operator.ts), which verifies its operator as the ingress verifies a sender.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  type FetchImplementation,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { Config } from '../config/schema.ts';
import { AirlockError } from '../errors.ts';
import { roleOf, type TrustedIssuer, tenantOf, trustedIssuers } from './issuers.ts';

export const MAX_TOKEN_CHARS = 8192;
/** A JWKS larger than this is refused: a key set is a few kilobytes. */
export const MAX_JWKS_BYTES = 256 * 1024;

/**
 * The identity provider answered something that is not a key set: its fault, not the client's
 * token's (issue #12 §4). Reported as 503 IDP_UNAVAILABLE, never as 401.
 */
export class IdpFault extends Error {
  override readonly name = 'IdpFault';
}

/**
 * fetch for the JWKS: redirects are not followed (jose asks for `redirect: manual`, and a 3xx is a
 * fault here), the answer must be 200 with a JSON object whose `keys` is an array of objects, and
 * the body is read up to MAX_JWKS_BYTES and no further.
 */
const jwksFetch: FetchImplementation = async (url, options) => {
  const res = await fetch(url, { ...options, redirect: 'manual' });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new IdpFault(
      `the JWKS at ${url} answered ${res.status}${res.status < 400 ? ' (redirects are not followed)' : ''}`,
    );
  }
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.byteLength;
    if (size > MAX_JWKS_BYTES) {
      await reader?.cancel();
      throw new IdpFault(`the JWKS at ${url} is larger than ${MAX_JWKS_BYTES} bytes`);
    }
    chunks.push(next.value);
  }
  const body = Buffer.concat(chunks);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new IdpFault(`the JWKS at ${url} is not JSON`);
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k)))
    throw new IdpFault(`the JWKS at ${url} is not a JWK Set (no "keys" array of keys)`);
  return new Response(body, { status: 200, headers: res.headers });
};
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Each segment in canonical base64url (RFC 4648 §3.5: the unused bits of the last character are
 * zero). Otherwise two spellings decode to one token: they would be two cache keys and two rate-limit
 * identities for one credential.
 */
const canonicalSegments = (token: string) =>
  token.split('.').every((seg) => Buffer.from(seg, 'base64url').toString('base64url') === seg);

export interface VerifiedToken {
  issuer: string;
  subject: string;
  role: string;
  /** The customer organisation the token speaks for (issue #15 §3). */
  tenant: string;
  jti: string;
  expiresAt: number;
  issuedAt: number;
  certThumbprint?: string | undefined;
}

export type Verifier = (token: string, clientCertDer: Buffer | undefined) => Promise<VerifiedToken>;

const unauthenticated = (message: string, cause?: unknown) =>
  new AirlockError('UNAUTHENTICATED', message, cause === undefined ? {} : { cause });

/** base64url SHA-256 of the certificate's DER encoding (RFC 8705 §3.1 `x5t#S256`). */
export function certThumbprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('base64url');
}

function keySet(config: Config, issuer: TrustedIssuer) {
  const { jwksTimeoutMs, jwksCacheMs } = config.jwt;
  if (issuer.jwksUrl) {
    return createRemoteJWKSet(new URL(issuer.jwksUrl), {
      timeoutDuration: jwksTimeoutMs,
      cooldownDuration: 30_000,
      cacheMaxAge: jwksCacheMs,
      [customFetch]: jwksFetch,
    });
  }
  if (!issuer.jwksFile) throw new Error(`issuer ${issuer.issuer}: a jwksUrl or a jwksFile is required`);
  return createLocalJWKSet(JSON.parse(readFileSync(issuer.jwksFile, 'utf8')));
}

/** The token's `iss`, read before any signature is checked: it only picks the keys to check with. */
function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A bounded cache of verified tokens keyed by a hash of the token (never the token itself), valid
 * until the token expires: a sensor's repeated token is not re-verified on every request. What the
 * cache returns was verified once; binding is still checked on every request.
 */
class VerifiedCache {
  readonly #entries = new Map<string, { token: VerifiedToken; until: number }>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get(key: string, nowS: number): VerifiedToken | undefined {
    const hit = this.#entries.get(key);
    if (hit && hit.until > nowS) return hit.token;
    if (hit) this.#entries.delete(key);
    return undefined;
  }
  /** Kept until `until` (epoch s), the earliest moment a full verification could decide otherwise. */
  set(key: string, value: VerifiedToken, until: number): void {
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { token: value, until });
  }
}

/**
 * A cached verification is redone at least this often, and at least as often as the JWKS is fetched
 * again: a key removed from the JWKS stops working within AIRLOCK_JWT_JWKS_CACHE_MS (issue #12 §2b).
 */
const REVALIDATE_S = 60;

/** A registered claim RFC 7519 types as a string (sub, jti): a non-empty string, or refused. */
const stringClaim = (payload: JWTPayload, name: 'sub' | 'jti'): string => {
  const v = payload[name];
  if (typeof v !== 'string' || v.length === 0)
    throw unauthenticated(`token claim ${name} is not a non-empty string`);
  return v;
};

/** Whether the identity policy requires RFC 8705 certificate-bound tokens (`cnf`, `cnf+map`). */
export const bindingRequired = (config: Config): boolean => config.ingress.identityPolicy !== 'map';

export function createTokenVerifier(
  config: Config,
  opts: { cacheMax?: number; requireBinding?: boolean } = {},
): Verifier {
  const cacheMax = opts.cacheMax ?? 10_000;
  const requireBinding = opts.requireBinding ?? bindingRequired(config);
  const issuers = trustedIssuers(config);
  if (issuers.length === 0)
    throw new Error('AIRLOCK_JWT_ISSUERS, or AIRLOCK_JWT_ISSUER and AIRLOCK_JWT_AUDIENCE, are required');
  // Each issuer's keys are its own: a token of one provider is never checked with another's keys.
  const byIssuer = new Map(issuers.map((i) => [i.issuer, { issuer: i, keys: keySet(config, i) }]));
  const cache = new VerifiedCache(cacheMax);
  const revalidateS = Math.min(REVALIDATE_S, Math.floor(config.jwt.jwksCacheMs / 1000));

  const verify = async (token: string): Promise<VerifiedToken> => {
    const iss = unverifiedIssuer(token);
    const trusted = iss === undefined ? undefined : byIssuer.get(iss);
    // Before any key is fetched: an unknown issuer costs the provider nothing (issue #15 §2).
    if (!trusted) throw unauthenticated('token issuer is not trusted');
    const { issuer, keys } = trusted;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: [...issuer.algorithms],
        maxTokenAge: config.jwt.maxTokenAgeS,
        clockTolerance: issuer.clockToleranceS,
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        ...(config.jwt.requireTyp ? { typ: 'at+jwt' } : {}),
      }));
    } catch (err) {
      // The identity provider unreachable, or answering something that is not a key set, is ours
      // to report as 503, never as a 2xx or a 401: a good client would stop retrying.
      if (
        err instanceof IdpFault ||
        err instanceof joseErrors.JWKSTimeout ||
        err instanceof joseErrors.JWKSInvalid ||
        (err instanceof TypeError && issuer.jwksUrl)
      ) {
        throw new AirlockError('IDP_UNAVAILABLE', 'the token keys could not be fetched', { cause: err });
      }
      const code = (err as { code?: string }).code ?? 'ERR_JWT_INVALID';
      throw unauthenticated(`token rejected (${code})`, err);
    }
    const role = roleOf(payload, issuer);
    if ('refused' in role) throw unauthenticated(role.refused);
    const tenant = tenantOf(payload, issuer);
    if ('refused' in tenant) throw unauthenticated(tenant.refused);
    const subject = stringClaim(payload, 'sub');
    const jti = stringClaim(payload, 'jti');
    const lifetime = Number(payload.exp) - Number(payload.iat);
    if (!(lifetime <= config.jwt.maxLifetimeS))
      throw unauthenticated(`token lifetime (exp − iat) is over ${config.jwt.maxLifetimeS} s`);
    const cnf = payload.cnf as { 'x5t#S256'?: unknown } | undefined;
    const bound = cnf?.['x5t#S256'];
    if (cnf !== undefined && typeof bound !== 'string') throw unauthenticated('token cnf has no x5t#S256');
    return {
      issuer: issuer.issuer,
      subject,
      role: role.role,
      tenant: tenant.tenant,
      jti,
      expiresAt: Number(payload.exp),
      issuedAt: Number(payload.iat),
      certThumbprint: bound as string | undefined,
    };
  };

  return async (token, clientCertDer) => {
    if (token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) {
      throw unauthenticated('the bearer token is not a compact JWS');
    }
    if (!canonicalSegments(token)) throw unauthenticated('the bearer token is not canonical base64url');
    const key = createHash('sha256').update(token).digest('base64url');
    const nowS = Math.floor(Date.now() / 1000);
    let verified = cache.get(key, nowS);
    if (!verified) {
      verified = await verify(token);
      // Never past what a full verification checks: exp, the maximum token age, a fresh JWKS.
      cache.set(
        key,
        verified,
        Math.min(verified.expiresAt, verified.issuedAt + config.jwt.maxTokenAgeS, nowS + revalidateS),
      );
    }
    // RFC 8705: a bound token is only good with the certificate it was bound to.
    if (verified.certThumbprint !== undefined) {
      if (!clientCertDer || certThumbprint(clientCertDer) !== verified.certThumbprint) {
        throw unauthenticated('token is bound to another client certificate');
      }
    } else if (requireBinding) {
      throw unauthenticated('token is not bound to a client certificate (cnf.x5t#S256 required)');
    }
    return verified;
  };
}

/**
 * Readiness of the identity providers: each JWKS URL answers a key set (a local JWKS file is always
 * ready), by issuer.
 */
export async function jwksReachable(
  issuers: readonly TrustedIssuer[],
  timeoutMs = 2000,
): Promise<Record<string, boolean>> {
  const checks = issuers.map(async (i): Promise<[string, boolean]> => {
    if (!i.jwksUrl) return [i.issuer, true];
    try {
      await jwksFetch(i.jwksUrl, {
        method: 'GET',
        redirect: 'manual',
        headers: new Headers({ accept: 'application/json' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return [i.issuer, true];
    } catch {
      return [i.issuer, false];
    }
  });
  return Object.fromEntries(await Promise.all(checks));
}
