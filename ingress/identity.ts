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
import { DEFAULT_TENANT } from '../core/auth/issuers.ts';
import { createTokenVerifier, type Verifier } from '../core/auth/token-verifier.ts';
import type { Config } from '../core/config/schema.ts';
import { AirlockError } from '../core/errors.ts';
import type { StateStore } from '../core/store/store.ts';
import { tlsSocketOf } from './http2.ts';

export interface Identity {
  subject: string;
  role: string;
  /** The customer organisation the sender belongs to (issue #15 §3): from its token's issuer. */
  tenant: string;
  /** The token's issuer, when several may be trusted (AIRLOCK_JWT_ISSUERS): see principalOf. */
  issuer?: string | undefined;
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

/** What the ingress decides about a client certificate, once per connection (its peer never changes). */
interface PeerCertificate {
  der: Buffer;
  fingerprint: string;
  spki: string;
  /** Why the certificate may not be a client's, or undefined (issue #12 §10). */
  unfit: string | undefined;
  /** Its identities as the identity map names them: `uri:…`, `dns:…`, `email:…`, `dn:…`. */
  identities: string[];
  hasSan: boolean;
  subject: string;
  san: string | undefined;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** subjectAltName entries as Node renders them ("URI:a, DNS:b", values with commas JSON-quoted). */
export function sanEntries(san: string | undefined): [string, string][] {
  if (!san) return [];
  const out: [string, string][] = [];
  for (const m of san.matchAll(/(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const kind = m[1]?.trim().toLowerCase() ?? '';
    const raw = m[2] ?? '';
    out.push([kind, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw]);
  }
  return out;
}

function examine(raw: Buffer): PeerCertificate {
  const x509 = new X509Certificate(raw);
  const eku = x509.keyUsage;
  const unfit = x509.ca
    ? 'a CA certificate (basicConstraints CA:TRUE) is not a client certificate'
    : eku !== undefined && eku.length > 0 && !eku.includes(CLIENT_AUTH)
      ? 'the certificate’s extendedKeyUsage does not allow clientAuth'
      : undefined;
  const san = x509.subjectAltName;
  const entries = sanEntries(san);
  const subject = x509.subject.split('\n').join(',');
  const identities = [
    ...entries.filter(([k]) => k === 'uri' || k === 'dns' || k === 'email').map(([k, v]) => `${k}:${v}`),
    `dn:${subject}`,
  ];
  return {
    der: raw,
    fingerprint: createHash('sha256').update(raw).digest('hex'),
    spki: createHash('sha256')
      .update(x509.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex'),
    unfit,
    identities,
    hasSan: entries.length > 0,
    subject,
    san,
  };
}

/**
 * The identity map's verdict on a token carried with a certificate (policy `map`, `cnf+map`):
 * allowed when an entry of one of the certificate's identities names the token's subject and role
 * (an entry without `subjects` or `roles` allows any of that kind).
 */
export function mappedIdentityAllows(
  map: NonNullable<Config['ingress']['identityMap']>,
  cert: Pick<PeerCertificate, 'identities' | 'hasSan'>,
  token: { subject: string; role: string },
): string | undefined {
  if (!cert.hasSan) return 'a client certificate without subjectAltName cannot be mapped to an identity';
  const entries = cert.identities.map((id) => map[id]).filter((e) => e !== undefined);
  if (entries.length === 0) return 'this client certificate’s identity is not in the identity map';
  const ok = entries.some(
    (e) =>
      (e.subjects === undefined || e.subjects.includes(token.subject)) &&
      (e.roles === undefined || e.roles.includes(token.role)),
  );
  return ok ? undefined : 'this client certificate may not carry tokens of this subject or role';
}

export function createMtlsJwtAuthenticator(
  config: Config,
  store: StateStore,
  verify: Verifier = createTokenVerifier(config),
): Authenticator {
  const pins = new Set(config.tls.pinnedSha256);
  const listed = config.jwt.issuers !== undefined;
  const map = config.ingress.identityPolicy.includes('map') ? config.ingress.identityMap : undefined;
  // Per connection: under HTTP/2 every stream's `req.raw.socket` is a new stand-in, its session's is not.
  const peers = new WeakMap<TLSSocket, PeerCertificate>();
  return async (req) => {
    const socket = tlsSocketOf(req.raw);
    let peer = peers.get(socket);
    if (!peer) {
      const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      // requestCert + rejectUnauthorized make this unreachable without a verified certificate; the
      // check stays so that a misconfigured server fails closed.
      if (!socket.authorized || !cert?.raw)
        throw new AirlockError('CLIENT_CERT_NOT_ALLOWED', 'a verified client certificate is required');
      peer = examine(cert.raw);
      peers.set(socket, peer);
    }
    if (peer.unfit) throw new AirlockError('CLIENT_CERT_NOT_ALLOWED', peer.unfit);
    // Pins name either the certificate or its public key (SPKI), which survives re-issuance.
    if (pins.size > 0 && !pins.has(peer.fingerprint) && !pins.has(peer.spki)) {
      throw new AirlockError(
        'CLIENT_CERT_NOT_ALLOWED',
        'this client certificate is not in the pinned allow-list',
      );
    }
    const token = saneHeaders(req.raw.rawHeaders, req.headers.authorization);
    checkIdempotencyKey(req.headers['idempotency-key']);
    const verified = await verify(token, peer.der);
    // Step 4: revocation by issuer + jti, on every request (also for cached verifications).
    if (await store.isRevoked(verified.issuer, verified.jti))
      throw new AirlockError('UNAUTHENTICATED', 'token revoked');
    // Step 5: the certificate's identity may carry this token (binding is in verify).
    if (map) {
      const refused = mappedIdentityAllows(map, peer, verified);
      if (refused) throw new AirlockError('CLIENT_CERT_NOT_ALLOWED', refused);
    }
    return {
      subject: verified.subject,
      role: verified.role,
      tenant: verified.tenant,
      ...(listed ? { issuer: verified.issuer } : {}),
      clientCertSha256: peer.fingerprint,
      clientCert: { subject: peer.subject, san: peer.san },
    };
  };
}

export function createAuthenticator(config: Config, store: StateStore): Authenticator {
  switch (config.ingress.authMode) {
    case 'mtls-jwt':
      return createMtlsJwtAuthenticator(config, store);
    case 'dev-insecure': {
      const identity: Identity = Object.freeze({
        subject: 'dev-insecure',
        role: 'dev-insecure',
        tenant: DEFAULT_TENANT,
      });
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
