/**
 * Who may replay: an operator whose access token the ingress would accept — the same verifier
 * (signature, issuer, audience, age, required claims), the same revocation list, the same RFC 8705
 * certificate binding — and whose role is `compliance_auditor`. A CLI has no TLS handshake to prove
 * possession of the certificate a token is bound to, so the operator gives the certificate and its
 * private key: the key must match the certificate, and the certificate must chain to the client CA
 * and be within its validity, as the handshake would require.
 */

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTokenVerifier } from '../core/auth/token-verifier.ts';
import type { Config } from '../core/config/schema.ts';
import { AirlockError } from '../core/errors.ts';
import type { StateStore } from '../core/store/store.ts';
import type { Operator } from './plan.ts';

export const REPLAY_ROLE = 'compliance_auditor';

export interface OperatorCredentials {
  token: string | undefined;
  certPem?: string | undefined;
  keyPem?: string | undefined;
}

const unauthenticated = (message: string) => new AirlockError('UNAUTHENTICATED', message);

/** The client certificate the operator holds (proven by its private key), as DER. */
function heldCertificate(config: Config, certPem: string, keyPem: string, now: Date): Buffer {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw unauthenticated('the operator certificate is not a PEM X.509 certificate');
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('mismatch');
  } catch {
    throw unauthenticated('the operator key does not belong to the operator certificate');
  }
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
    throw unauthenticated('the operator certificate is expired or not yet valid');
  }
  // Fail closed: a certificate is only as good as the CA it chains to.
  if (!config.tls.clientCaFile)
    throw new AirlockError(
      'CLIENT_CERT_NOT_ALLOWED',
      'AIRLOCK_TLS_CLIENT_CA_FILE is needed to check the operator certificate',
    );
  const ca = new X509Certificate(readFileSync(config.tls.clientCaFile));
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    throw new AirlockError(
      'CLIENT_CERT_NOT_ALLOWED',
      'the operator certificate is not issued by the client CA',
    );
  }
  return cert.raw;
}

/** Verifies the operator; throws AirlockError (UNAUTHENTICATED, ROLE_FORBIDDEN, …) when refused. */
export async function verifyOperator(
  config: Config,
  store: StateStore,
  creds: OperatorCredentials,
  now = new Date(),
): Promise<Operator> {
  const token = creds.token?.trim();
  if (!token) throw unauthenticated('a replay needs the operator access token (--token-file)');
  // Fail closed: without the shared revocation list a revoked token could not be told apart.
  if (store.kind !== 'redis')
    throw new AirlockError(
      'REDIS_UNAVAILABLE',
      'replaying needs the shared revocation list: set AIRLOCK_REDIS_URL',
    );
  const der =
    creds.certPem !== undefined && creds.keyPem !== undefined
      ? heldCertificate(config, creds.certPem, creds.keyPem, now)
      : undefined;
  const verified = await createTokenVerifier(config, { cacheMax: 1 })(token, der);
  if (await store.isRevoked(verified.issuer, verified.jti)) throw unauthenticated('token revoked');
  if (verified.role !== REPLAY_ROLE) {
    throw new AirlockError('ROLE_FORBIDDEN', `replaying needs the ${REPLAY_ROLE} role, not ${verified.role}`);
  }
  return { subject: verified.subject, role: verified.role, issuer: verified.issuer, jti: verified.jti };
}
