/**
 * Who is calling (DESIGN.md "Order of checks" 1–5 and 7). `mtls-jwt`: the TLS layer has already
 * required a client certificate chaining to the configured CA (no HTTP answer otherwise); here the
 * certificate may be pinned, the headers are sanity-checked before any cryptography, the bearer
 * token is verified (core/auth/token-verifier.ts) and bound to the certificate when it says so.
 * `dev-insecure`: no authentication, loopback only, for local experiments.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { createTokenVerifier, type Verifier } from '../core/auth/token-verifier.ts';
import type { Config } from '../core/config/schema.ts';
import { AirlockError } from '../core/errors.ts';
import type { StateStore } from '../core/store/store.ts';

export interface Identity {
  subject: string;
  role: string;
  clientCertSha256?: string | undefined;
  /** The client certificate's subject DN and subjectAltName, for logs and audit. */
  clientCert?: { subject: string; san: string | undefined } | undefined;
}

export type Authenticator = (req: FastifyRequest) => Promise<Identity>;

const MAX_IDEMPOTENCY_KEY = 256;

/** How many times a header was sent (Node keeps only the first Authorization of several). */
export function headerCount(rawHeaders: readonly string[], name: string): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === name) n++;
  return n;
}

/**
 * A request with no credentials at all: its 401 challenge names no error (RFC 6750 §3.1), unlike a
 * request whose credentials are wrong (`error="invalid_token"`).
 */
export class NoCredentialsError extends AirlockError {
  constructor() {
    super('UNAUTHENTICATED', 'an Authorization: Bearer header is required');
  }
}

/** Step 2: header sanity before any cryptography. Returns the bearer token. */
export function saneHeaders(rawHeaders: readonly string[], authorization: string | undefined): string {
  const authorizations = headerCount(rawHeaders, 'authorization');
  if (authorizations === 0 || authorization === undefined) throw new NoCredentialsError();
  if (authorizations !== 1) {
    throw new AirlockError('UNAUTHENTICATED', 'exactly one Authorization: Bearer header is required');
  }
  const m = /^Bearer ([^\s]+)$/.exec(authorization);
  if (!m?.[1]) throw new AirlockError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
  if (headerCount(rawHeaders, 'x-maintenance-context') > 1) {
    throw new AirlockError('CONTEXT_INVALID', 'exactly one x-maintenance-context header is allowed');
  }
  const keys = headerCount(rawHeaders, 'idempotency-key');
  if (keys > 1) throw new AirlockError('HEADER_INVALID', 'at most one Idempotency-Key header is allowed');
  return m[1];
}

export function checkIdempotencyKey(value: string | string[] | undefined): void {
  if (value === undefined) return;
  if (
    Array.isArray(value) ||
    value.length === 0 ||
    value.length > MAX_IDEMPOTENCY_KEY ||
    !/^[\x21-\x7e]+$/.test(value)
  ) {
    throw new AirlockError(
      'HEADER_INVALID',
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} printable ASCII characters`,
    );
  }
}

export function createMtlsJwtAuthenticator(
  config: Config,
  store: StateStore,
  verify: Verifier = createTokenVerifier(config),
): Authenticator {
  const pins = new Set(config.tls.pinnedSha256);
  return async (req) => {
    const socket = req.raw.socket as TLSSocket;
    const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    // requestCert + rejectUnauthorized make this unreachable without a verified certificate; the
    // check stays so that a misconfigured server fails closed.
    if (!socket.authorized || !cert?.raw)
      throw new AirlockError('CLIENT_CERT_NOT_ALLOWED', 'a verified client certificate is required');
    const fingerprint = createHash('sha256').update(cert.raw).digest('hex');
    // Pins name either the certificate or its public key (SPKI), which survives re-issuance.
    const spki = () =>
      createHash('sha256')
        .update(new X509Certificate(cert.raw).publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex');
    if (pins.size > 0 && !pins.has(fingerprint) && !pins.has(spki())) {
      throw new AirlockError(
        'CLIENT_CERT_NOT_ALLOWED',
        'this client certificate is not in the pinned allow-list',
      );
    }
    const token = saneHeaders(req.raw.rawHeaders, req.headers.authorization);
    checkIdempotencyKey(req.headers['idempotency-key']);
    const verified = await verify(token, cert.raw);
    // Step 4: revocation by issuer + jti, on every request (also for cached verifications).
    if (await store.isRevoked(verified.issuer, verified.jti))
      throw new AirlockError('UNAUTHENTICATED', 'token revoked');
    const certSubject = Object.entries(cert.subject ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
    return {
      subject: verified.subject,
      role: verified.role,
      clientCertSha256: fingerprint,
      clientCert: { subject: certSubject, san: cert.subjectaltname },
    };
  };
}

export function createAuthenticator(config: Config, store: StateStore): Authenticator {
  switch (config.ingress.authMode) {
    case 'mtls-jwt':
      return createMtlsJwtAuthenticator(config, store);
    case 'dev-insecure': {
      const identity: Identity = Object.freeze({ subject: 'dev-insecure', role: 'dev-insecure' });
      return async (req) => {
        checkIdempotencyKey(req.headers['idempotency-key']);
        return identity;
      };
    }
  }
}

/** Step 7: may this role call this route? dev-insecure may call every route. */
export function roleAllowed(config: Config, role: string, route: string): boolean {
  if (config.ingress.authMode === 'dev-insecure') return true;
  return (config.ingress.roleRoutes[role] ?? []).some((r) => r === route);
}
