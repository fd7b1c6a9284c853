/**
 * A stage's TLS server material and policy (the ingress, the edge station; issue #12 §9, §10): read from the configured files and
 * validated whole before it is used, at start-up and on every reload, so that a malformed or empty
 * file is refused with a reason instead of making every client fail its handshake.
 *
 * TLS 1.2 is restricted to ECDHE key exchange with AEAD ciphers (forward secrecy, no CBC);
 * `AIRLOCK_TLS_MIN_VERSION=TLSv1.3` leaves TLS 1.3 only.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { Config } from './config/schema.ts';

/** TLS 1.3 suites (all AEAD), then TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305. */
export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_CRL = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new TlsMaterialError(`${what} ${file} cannot be read: ${(err as Error).message}`);
  }
}

function certificates(pem: Buffer, file: string, what: string): X509Certificate[] {
  const blocks = pem.toString('utf8').match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new TlsMaterialError(`${what} ${file} holds no PEM certificate`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new TlsMaterialError(
        `${what} ${file}: certificate ${i + 1} is malformed (${(err as Error).message})`,
      );
    }
  });
}

export interface TlsMaterial {
  options: ServerOptions;
  /** SHA-256 of the client CA bundle and the CRL: what decides which client certificates pass. */
  clientTrust: string;
  /** When the server certificate expires (ms since the epoch): a metric, and an alert before it. */
  notAfterMs: number;
}

/** Reads and validates the TLS files of `config` (mtls-jwt), or throws a TlsMaterialError. */
export function loadTlsMaterial(config: Config): TlsMaterial {
  const { certFile, keyFile, clientCaFile, crlFile, minVersion } = config.tls;
  if (!certFile || !keyFile || !clientCaFile)
    throw new TlsMaterialError('the server certificate, key and client CA files are required');
  const cert = read(certFile, 'the server certificate');
  const key = read(keyFile, 'the server key');
  const ca = read(clientCaFile, 'the client CA bundle');
  const crl = crlFile === undefined ? undefined : read(crlFile, 'the CRL');

  const [leaf] = certificates(cert, certFile, 'the server certificate');
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new TlsMaterialError(`the server key ${keyFile} is malformed (${(err as Error).message})`);
  }
  if (!leaf?.checkPrivateKey(privateKey))
    throw new TlsMaterialError(`the server key ${keyFile} does not match the certificate ${certFile}`);
  for (const [i, c] of certificates(ca, clientCaFile, 'the client CA bundle').entries()) {
    if (!c.ca)
      throw new TlsMaterialError(
        `the client CA bundle ${clientCaFile}: certificate ${i + 1} (${c.subject.replaceAll('\n', ', ')}) is not a CA`,
      );
  }
  if (crl !== undefined && crlFile !== undefined && (crl.toString('utf8').match(PEM_CRL) ?? []).length === 0)
    throw new TlsMaterialError(`the CRL ${crlFile} holds no PEM CRL`);

  const options: ServerOptions = {
    cert,
    key,
    ca,
    ...(crl ? { crl } : {}),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion,
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
  };
  try {
    // What OpenSSL itself makes of it (a CRL it cannot parse, a key it cannot use).
    createSecureContext(options);
  } catch (err) {
    throw new TlsMaterialError(`the TLS material is not usable: ${(err as Error).message}`);
  }
  const clientTrust = createHash('sha256')
    .update(ca)
    .update('\0')
    .update(crl ?? '')
    .digest('hex');
  return { options, clientTrust, notAfterMs: Date.parse(leaf.validTo) };
}
