/**
 * What a keep-alive connection may outlive (issue #12 §8). A client certificate is verified once,
 * in the handshake; so a connection opened before its certificate was revoked (a new CRL) or its
 * CA removed would go on publishing. When the client trust changes, the connections opened before
 * are retired: idle ones are closed at once, a request in flight is answered and its connection
 * closed, and a request that still arrives on one is refused with 421 (RFC 9110 §15.5.20: retry on
 * a new connection, whose handshake meets the new trust). A connection also lives at most
 * `maxAgeMs` (its last response closes it) and serves at most `maxRequests`.
 *
 * A connection is an HTTP/1.1 TLS socket, closed by `Connection: close` (its requests counted by
 * Node's `maxRequestsPerSocket`), or an HTTP/2 session, closed by GOAWAY (RFC 9113 §6.8: the
 * streams it already took are still answered, the client opens no more); its streams are its
 * requests.
 */

import type { Http2SecureServer, Http2Session, ServerHttp2Stream } from 'node:http2';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import { type RawRequest, sessionOf } from './http2.ts';

export interface ConnectionPolicy {
  /** The connection was opened under client trust that has changed since: refuse (421). */
  retired(raw: RawRequest): boolean;
  /** Its next response should close it (retired, or older than its maximum age). */
  closing(raw: RawRequest): boolean;
  /** The client trust changed: retire every connection opened before now. */
  retireAll(): void;
}

export function connectionPolicy(
  server: Server | Http2SecureServer,
  opts: { maxAgeMs: number; maxRequests: number },
): ConnectionPolicy {
  let epoch = 0;
  const born = new WeakMap<Socket | Http2Session, { epoch: number; at: number }>();
  /** HTTP/2 sessions open, with their streams open now. */
  const sessions = new Map<Http2Session, { open: number; served: number }>();
  (server as Server).maxRequestsPerSocket = opts.maxRequests;
  server.on('secureConnection', (socket: Socket) => born.set(socket, { epoch, at: performance.now() }));
  server.on('session', (session: Http2Session) => {
    born.set(session, { epoch, at: performance.now() });
    const count = { open: 0, served: 0 };
    sessions.set(session, count);
    session.once('close', () => sessions.delete(session));
    session.on('stream', (stream: ServerHttp2Stream) => {
      count.served++;
      if (!stream.destroyed) {
        count.open++;
        stream.once('close', () => count.open--);
      }
      // Its last request: GOAWAY at once, so that the client opens no further stream here.
      if (count.served >= opts.maxRequests) session.close();
    });
  });
  const bornOf = (raw: RawRequest) => born.get(sessionOf(raw) ?? raw.socket);
  const retired = (raw: RawRequest) => {
    const b = bornOf(raw);
    // A connection not seen opening (not a TLS connection of this server) is not trusted either.
    return b === undefined || b.epoch < epoch;
  };
  return {
    retired,
    closing: (raw) => {
      const b = bornOf(raw);
      return b === undefined || b.epoch < epoch || performance.now() - b.at > opts.maxAgeMs;
    },
    retireAll: () => {
      epoch++;
      (server as Server).closeIdleConnections();
      for (const [session, count] of sessions) if (count.open === 0) session.close();
    },
  };
}
