/**
 * HTTP/2 beside HTTP/1.1 on the ingress's one TLS port, chosen by ALPN (RFC 7301): the server's
 * options, and the guards HTTP/2 needs that Node does not give it (docs/api.md "HTTP/2").
 *
 * - Request timeout. Node enforces `requestTimeout` on HTTP/1.1 connections only. An HTTP/2 stream
 *   whose request (headers and body, up to its END_STREAM) has not arrived within it is answered a
 *   bare 408, as Node answers HTTP/1.1, and closed; its session and other streams go on.
 * - Rapid reset (CVE-2023-44487). A client that resets (RST_STREAM) more than
 *   `http2MaxResetsPerSecond` streams in one second gets GOAWAY ENHANCE_YOUR_CALM and its session
 *   is destroyed. This count sees a stream's close, so it runs a read (~16 KiB of frames) behind
 *   the frames; Node's own limit, nghttp2's on RST_STREAM frames received (a burst of 1000, then
 *   33 a second: GOAWAY INTERNAL_ERROR), stays behind it, in the data path.
 *
 * What a connection may carry (trust retirement, age, requests) is ingress/connections.ts's.
 */
import type { IncomingMessage } from 'node:http';
import {
  constants,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2Session,
  type SecureServerOptions,
  type ServerHttp2Stream,
} from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/logger.ts';

/** A request as Node hands it to fastify: HTTP/1.1's message, or HTTP/2's compatibility request. */
export type RawRequest = IncomingMessage | Http2ServerRequest;

/** The HTTP/2 stream a request came on; undefined under HTTP/1.1. */
export const streamOf = (raw: RawRequest): ServerHttp2Stream | undefined =>
  'stream' in raw ? raw.stream : undefined;

/** The HTTP/2 session a request came on; undefined under HTTP/1.1 (or once the stream is gone). */
export const sessionOf = (raw: RawRequest): Http2Session | undefined => streamOf(raw)?.session;

/**
 * The TLS connection a request came on, one object per connection: HTTP/1.1's socket, or under
 * HTTP/2 the session's socket (Node's stand-in for its TLSSocket; `raw.socket` there is a new
 * stand-in per stream).
 */
export const tlsSocketOf = (raw: RawRequest): TLSSocket =>
  (sessionOf(raw)?.socket ?? raw.socket) as TLSSocket;

/**
 * The request's stream closed before it was answered: the client reset it (before Node even handed
 * it over, in a rapid reset), or the request timeout cut it. Node then ends the request body as if
 * it were whole, so such a request is never handled.
 */
export function streamGone(raw: RawRequest): boolean {
  const stream = streamOf(raw);
  return stream !== undefined && (stream.closed || stream.destroyed);
}

/** Request header fields at most, as HTTP/1.1's `maxHeadersCount` (ingress/main.ts), and the four pseudo-headers. */
const MAX_HEADER_PAIRS = 64 + 4;

/** The HTTP/2 part of the server's options (the TLS part is core/tls.ts's). */
export function http2ServerOptions(config: Config): SecureServerOptions {
  const c = config.ingress;
  return {
    allowHTTP1: true,
    ALPNProtocols: ['h2', 'http/1.1'],
    maxSessionMemory: c.http2MaxSessionMemoryMb,
    maxHeaderListPairs: MAX_HEADER_PAIRS,
    settings: {
      maxConcurrentStreams: c.http2MaxConcurrentStreams,
      maxHeaderListSize: c.http2MaxHeaderListBytes,
      enablePush: false,
    },
    // fastify sets the keep-alive timeout of an HTTP/1.1 server only: this one's HTTP/1.1 side.
    http1Options: { keepAliveTimeout: Math.min(5000, c.idleTimeoutMs) },
  };
}

export type Http2Abuse = 'rapid-reset' | 'request-timeout';

export function guardHttp2(
  server: Http2SecureServer,
  opts: {
    requestTimeoutMs: number;
    maxResetsPerSecond: number;
    logger: Logger;
    onAbuse: (reason: Http2Abuse) => void;
  },
): void {
  const { logger } = opts;
  server.on('session', (session: Http2Session) => {
    let since = 0;
    let resets = 0;
    const reset = () => {
      if (session.destroyed) return;
      const now = performance.now();
      if (now - since >= 1000) {
        since = now;
        resets = 0;
      }
      if (++resets <= opts.maxResetsPerSecond) return;
      opts.onAbuse('rapid-reset');
      logger.warn(
        { remoteAddress: session.socket?.remoteAddress, resets },
        'HTTP/2 client reset too many streams (rapid reset): session ended with GOAWAY ENHANCE_YOUR_CALM',
      );
      session.destroy(new Error('rapid reset'), constants.NGHTTP2_ENHANCE_YOUR_CALM);
    };
    // The session's own event: a stream reset before Node handed it over has no session any more.
    session.on('stream', (stream: ServerHttp2Stream) => {
      // Handed over already closed: reset before it could be seen.
      if (stream.closed || stream.destroyed) return reset();
      let cut = false;
      let aborted = false;
      const timer = setTimeout(() => {
        if (stream.closed || stream.destroyed || stream.state.remoteClose) return;
        cut = true;
        opts.onAbuse('request-timeout');
        if (!stream.headersSent) stream.respond({ ':status': 408 }, { endStream: true });
        // RFC 9113 §8.1: a server that answered before the request ended stops it with NO_ERROR.
        stream.close(constants.NGHTTP2_NO_ERROR);
      }, opts.requestTimeoutMs);
      // Closed before its answer was sent, or by an RST_STREAM with an error code (CANCEL, mostly):
      // also after an answer that was written but never reached the client.
      stream.once('aborted', () => {
        aborted = true;
      });
      stream.once('close', () => {
        clearTimeout(timer);
        if (!cut && (aborted || stream.rstCode !== constants.NGHTTP2_NO_ERROR)) reset();
      });
    });
  });
}
