/**
 * What a keep-alive connection may outlive (issue #12 §8). A client certificate is verified once,
 * in the handshake; so a connection opened before its certificate was revoked (a new CRL) or its
 * CA removed would go on publishing. When the client trust changes, the connections opened before
 * are retired: idle ones are closed at once, a request in flight is answered and its connection
 * closed (`Connection: close`), and a request that still arrives on one is refused with 421
 * (RFC 9110 §15.5.20: retry on a new connection, whose handshake meets the new trust). A
 * connection also lives at most `maxAgeMs` (its last response closes it) and serves at most
 * `maxRequests` (Node's `maxRequestsPerSocket`).
 */

import type { Server } from 'node:https';
import type { Socket } from 'node:net';

export interface ConnectionPolicy {
  /** The connection was opened under client trust that has changed since: refuse (421). */
  retired(socket: Socket): boolean;
  /** Its next response should close it (retired, or older than its maximum age). */
  closing(socket: Socket): boolean;
  /** The client trust changed: retire every connection opened before now. */
  retireAll(): void;
}

export function connectionPolicy(
  server: Server,
  opts: { maxAgeMs: number; maxRequests: number },
): ConnectionPolicy {
  let epoch = 0;
  const born = new WeakMap<Socket, { epoch: number; at: number }>();
  server.maxRequestsPerSocket = opts.maxRequests;
  server.on('secureConnection', (socket: Socket) => born.set(socket, { epoch, at: performance.now() }));
  const retired = (socket: Socket) => {
    const b = born.get(socket);
    // A socket not seen opening (not a TLS connection of this server) is not trusted either.
    return b === undefined || b.epoch < epoch;
  };
  return {
    retired,
    closing: (socket) => {
      const b = born.get(socket);
      return b === undefined || b.epoch < epoch || performance.now() - b.at > opts.maxAgeMs;
    },
    retireAll: () => {
      epoch++;
      server.closeIdleConnections();
    },
  };
}
