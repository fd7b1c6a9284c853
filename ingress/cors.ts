/**
 * Browser clients (issue #15 §5): CORS for the configured origins only (`AIRLOCK_INGRESS_CORS_ORIGINS`),
 * through @fastify/cors. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
 * answered in the onRequest phase, before any authentication, rate limit or body: 204 with the
 * allowed methods and headers and nothing else, never data. An origin not listed gets no CORS
 * header at all (its preflight is a 404 problem), so the browser refuses the page's call.
 *
 * Credentials are allowed: a browser presents the user's client certificate (mutual TLS) only to
 * a credentialed request, so every origin listed is trusted with it — hence exact origins, never
 * a wildcard (core/config/schema.ts).
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** What a page may send: the headers the routes read (docs/api.md). */
export const CORS_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'x-maintenance-context',
  'traceparent',
  'tracestate',
];

/** What a page may read of an answer beyond the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = [
  'x-trace-id',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'location',
];

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  void app.register(cors, {
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'QUERY'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: true,
    // A browser caches a preflight this long (seconds; browsers cap it at 2 h or less).
    maxAge: 600,
    // A listed origin's OPTIONS without Access-Control-Request-Method is answered like a preflight
    // (headers only) rather than with @fastify/cors's text/plain 400: no problem+json is lost.
    strictPreflight: false,
    hook: 'onRequest',
  });
}
