/** An HTTPS client with a client certificate and a bearer token, for the integration tests. */
import { readFileSync } from 'node:fs';
import { type ClientHttp2Session, connect as http2Connect } from 'node:http2';
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

export interface H2Options {
  /** The development client certificate to present (by role); null for none. */
  certRole?: string | null;
  /** TLS and HTTP/2 options of the client (ALPN, settings). */
  connect?: import('node:http2').SecureClientSessionOptions;
}

/**
 * An HTTP/2 session to the ingress at `url` (ALPN `h2` only) with a role's client certificate,
 * resolved once the server's SETTINGS arrived; a refused handshake rejects.
 */
export function h2Session(pki: string, url: string, opts: H2Options = {}): Promise<ClientHttp2Session> {
  const certRole = opts.certRole === undefined ? 'certifying_staff' : opts.certRole;
  return new Promise((resolve, reject) => {
    const session = http2Connect(url, {
      ca: readFileSync(`${pki}/ca.crt`),
      ...(certRole === null
        ? {}
        : {
            cert: readFileSync(`${pki}/client-${certRole}.crt`),
            key: readFileSync(`${pki}/client-${certRole}.key`),
          }),
      ALPNProtocols: ['h2'],
      ...opts.connect,
    });
    const failed = (err: Error) => {
      session.destroy();
      reject(err);
    };
    const closed = () => failed(new Error('the session closed before the server’s SETTINGS'));
    session.once('error', failed);
    session.once('close', closed);
    // TLS 1.3: the server refuses a missing client certificate after the client's handshake
    // completed; the session is then destroyed without an event of its own, its socket errs.
    let tls: import('node:tls').TLSSocket | undefined;
    session.once('connect', (_session, socket) => {
      tls = socket as import('node:tls').TLSSocket;
      tls.once('error', failed);
    });
    session.once('remoteSettings', () => {
      session.off('error', failed);
      session.off('close', closed);
      tls?.off('error', failed);
      session.on('error', () => undefined);
      resolve(session);
    });
  });
}

export interface H2Answer extends Answer {
  /** The RST_STREAM code the stream ended with (0: none, or NO_ERROR). */
  rstCode: number;
}

/**
 * One request on an HTTP/2 session. Resolves with the answer, also when the server resets the
 * stream after it (a 413 before the body was read); rejects when the stream ends unanswered.
 */
export function h2Call(
  session: ClientHttp2Session,
  path: string,
  opts: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer } = {},
): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(
      { ':method': opts.method ?? 'GET', ':path': path, ...opts.headers },
      { endStream: opts.body === undefined },
    );
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith(':')));
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', (err) => {
      if (status === 0) reject(err);
    });
    stream.on('close', () => {
      if (status === 0) {
        reject(new Error(`stream closed unanswered (RST_STREAM ${stream.rstCode})`));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status, headers, text, json: () => JSON.parse(text), rstCode: stream.rstCode ?? 0 });
    });
    if (opts.body !== undefined) stream.end(opts.body);
  });
}

/** postRecord over an HTTP/2 session: the sample record in a fresh maintenance context, by default. */
export function h2PostRecord(
  session: ClientHttp2Session,
  token: string,
  opts: { headers?: Record<string, string | string[]>; body?: string | Buffer; path?: string } = {},
): Promise<H2Answer> {
  return h2Call(session, opts.path ?? '/v1/parts/trace', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-maintenance-context': contextHeader(sampleContext()),
      authorization: `Bearer ${token}`,
      ...opts.headers,
    },
    body: opts.body ?? JSON.stringify(sampleRecord()),
  });
}
