/**
 * The development identity provider of the quick start and the tests: the PKI of scripts/dev-pki.sh
 * and ES256 access tokens (RFC 9068 shape) signed with its token key, whose public JWKS the ingress
 * trusts through AIRLOCK_JWT_JWKS_FILE. Development only: production uses the operator's IdP.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { ROOT, stackDir } from './stack-env.ts';

export const DEV_ISSUER = 'https://idp.airlock.local/dev';
export const DEV_AUDIENCE = 'airlock-ingress';
export const DEV_KID = 'airlock-dev-1';
export const ROLES = [
  'certifying_staff',
  'parts_traceability',
  'compliance_auditor',
  'fleet_ops',
  'edge_station',
  // A tool or sensor gateway: a device identity (its client certificate and a client-credentials
  // token), whose readings go to /v1/measurements.
  'sensor',
] as const;

export const pkiDir = (env: NodeJS.ProcessEnv = process.env) => `${stackDir(env)}/pki`;

/** Makes the development PKI (idempotent) and writes the public JWKS of the token key. */
export function ensureDevPki(env: NodeJS.ProcessEnv = process.env): string {
  const dir = pkiDir(env);
  // Every role's certificate: a PKI made before a role was added gets it on the next call.
  if (
    !existsSync(`${dir}/token-signing.key`) ||
    !existsSync(`${dir}/server.crt`) ||
    ROLES.some((r) => !existsSync(`${dir}/client-${r}.crt`))
  ) {
    const r = spawnSync('bash', [`${ROOT}scripts/dev-pki.sh`], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/dev-pki.sh failed:\n${r.stderr}`);
  }
  if (!existsSync(`${dir}/jwks.json`)) {
    const pub = createPublicKey(createPrivateKey(readFileSync(`${dir}/token-signing.key`)));
    const jwk = {
      ...(pub.export({ format: 'jwk' }) as Record<string, string>),
      kid: DEV_KID,
      alg: 'ES256',
      use: 'sig',
    };
    writeFileSync(`${dir}/jwks.json`, `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`);
  }
  return dir;
}

/** The environment that points the ingress at the development PKI and token issuer. */
export function devIngressEnv(dir: string): Record<string, string> {
  return {
    AIRLOCK_INGRESS_AUTH_MODE: 'mtls-jwt',
    AIRLOCK_TLS_CERT_FILE: `${dir}/server.crt`,
    AIRLOCK_TLS_KEY_FILE: `${dir}/server.key`,
    AIRLOCK_TLS_CLIENT_CA_FILE: `${dir}/ca.crt`,
    AIRLOCK_JWT_JWKS_FILE: `${dir}/jwks.json`,
    AIRLOCK_JWT_ISSUER: DEV_ISSUER,
    AIRLOCK_JWT_AUDIENCE: DEV_AUDIENCE,
  };
}

/** base64url SHA-256 of a certificate's DER: the RFC 8705 `x5t#S256` confirmation value. */
export function certThumbprint(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('base64url');
}

export interface DevTokenOptions {
  ttlSeconds?: number;
  subject?: string;
  /** Bind the token to this client certificate (RFC 8705 cnf.x5t#S256). */
  bindCertPem?: string;
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

export async function mintDevToken(dir: string, role: string, opts: DevTokenOptions = {}): Promise<string> {
  const key = createPrivateKey(readFileSync(`${dir}/token-signing.key`));
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    role,
    ...(opts.bindCertPem ? { cnf: { 'x5t#S256': certThumbprint(opts.bindCertPem) } } : {}),
    ...opts.claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: DEV_KID, typ: 'at+jwt', ...opts.header })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(opts.subject ?? `dev-${role}`)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 300));
  return jwt.sign(key);
}
