/**
 * The consumers' health endpoints (the validators and the router have no other HTTP surface):
 * GET /health/live while the process runs, GET /health/ready 200 only while the stage is `ready`
 * and its checks pass (503 while starting, draining or when its consumer stopped). Plain HTTP on
 * loopback by default: for the supervisor and compose health checks, not for clients.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { HistoryStores } from '../history/history.ts';
import type { Lifecycle } from './lifecycle.ts';

/** One dependency a stage is ready only with: the ingress's are asynchronous (a ping), the consumers' not. */
export interface HealthCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

export function startHealthServer(opts: {
  host: string;
  port: number;
  lifecycle: Lifecycle;
  checks: readonly HealthCheck[];
  /** Reported on /health/ready without deciding it (e.g. the output circuit breaker). */
  info?: () => Record<string, unknown>;
  /** Served at GET /metrics (Prometheus text format). */
  metrics?: Registry;
}): Promise<Server> {
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { status: 'method not allowed' });
    if (req.url === '/health/live') return send(200, { status: 'live', state: opts.lifecycle.state });
    if (req.url === '/health/ready') {
      const results = await Promise.all(
        opts.checks.map(async (c) => [
          c.name,
          (await Promise.resolve(c.check()).catch(() => false)) ? 'up' : 'down',
        ]),
      );
      const checks = Object.fromEntries(results);
      const ready = opts.lifecycle.state === 'ready' && Object.values(checks).every((v) => v === 'up');
      return send(ready ? 200 : 503, {
        status: ready ? 'ready' : opts.lifecycle.state,
        checks,
        ...(opts.info ? opts.info() : {}),
      });
    }
    if (req.url === '/metrics' && opts.metrics) {
      const registry = opts.metrics;
      try {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        return res.end(body);
      } catch {
        // A series that could not be read (the broker, for the lag): the scrape fails, visibly.
        return send(503, { status: 'metrics unavailable' });
      }
    }
    return send(404, { status: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}

/** The consumer stages' health endpoints and metrics; port 0 serves none. Returns how to close them. */
export async function serveConsumerHealth(opts: {
  host: string;
  port: number;
  lifecycle: Lifecycle;
  loop: { readonly running: boolean; readonly outputs: string };
  history?: Pick<HistoryStores, 'held' | 'restoring' | 'lastRestore'> | undefined;
  metrics?: Registry;
}): Promise<() => void> {
  const { host, port, lifecycle, loop, history } = opts;
  if (port === 0) return () => undefined;
  const server = await startHealthServer({
    host,
    port,
    lifecycle,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    checks: [
      { name: 'consumer', check: () => loop.running },
      // Not ready while a partition's history is being restored: its records wait for it.
      ...(history ? [{ name: 'history', check: () => history.restoring.length === 0 }] : []),
    ],
    // A destination outage is waited out, not a reason to restart the stage: reported, not failed.
    info: () => ({
      outputs: loop.outputs,
      ...(history
        ? {
            history: {
              held: history.held,
              restoring: history.restoring,
              last_restore: history.lastRestore ?? null,
            },
          }
        : {}),
    }),
  });
  return () => server.close();
}
