/** An HTTPS client with a client certificate and a bearer token, for the integration tests. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { mintDevToken } from '../../scripts/lib/dev-identity.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** The development client certificate to present (by role); null for none. */
  certRole?: string | null;
  /** A client certificate and key (PEM files) to present instead of a role's. */
  certFiles?: { cert: string; key: string };
  /** A keep-alive agent, to send several requests over one connection. */
  agent?: import('node:https').Agent;
  /** TLS options of the client (versions, ciphers). */
  tls?: import('node:tls').ConnectionOptions;
}

export function httpsCall(pki: string, url: string, opts: CallOptions = {}): Promise<Answer> {
  const certRole = opts.certRole === undefined ? 'certifying_staff' : opts.certRole;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        ca: readFileSync(`${pki}/ca.crt`),
        ...(opts.certFiles
          ? { cert: readFileSync(opts.certFiles.cert), key: readFileSync(opts.certFiles.key) }
          : certRole === null
            ? {}
            : {
                cert: readFileSync(`${pki}/client-${certRole}.crt`),
                key: readFileSync(`${pki}/client-${certRole}.key`),
              }),
        ...opts.tls,
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A token for a role, bound to that role's development client certificate. */
export function tokenFor(
  pki: string,
  role: string,
  opts: Parameters<typeof mintDevToken>[2] = {},
): Promise<string> {
  return mintDevToken(pki, role, { bindCertPem: readFileSync(`${pki}/client-${role}.crt`, 'utf8'), ...opts });
}

/**
 * POST /v1/parts/trace (or `opts.path`) of an ingress at `url` with a bearer token: the sample record in a fresh
 * maintenance context unless `opts` says otherwise (its headers are added to, or replace, these).
 */
export function postRecord(
  pki: string,
  url: string,
  token: string,
  opts: CallOptions & { body?: string | Buffer; path?: string } = {},
): Promise<Answer> {
  return httpsCall(pki, `${url}${opts.path ?? '/v1/parts/trace'}`, {
    method: 'POST',
    ...opts,
    headers: {
      'content-type': 'application/json',
      'x-maintenance-context': contextHeader(sampleContext()),
      authorization: `Bearer ${token}`,
      ...opts.headers,
    },
    body: opts.body ?? JSON.stringify(sampleRecord()),
  });
}
