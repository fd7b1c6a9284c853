/**
 * N ingress workers on one port (issue #14 §2): node:cluster, the primary accepting connections and
 * handing them to its workers in turn. Each worker is a whole ingress (its own event loop, Kafka
 * producers with their own transactional id `<id>-w<index>`, its own TLS material); they share the
 * Redis state (revocation, idempotency keys, rate limits). The primary does no request work: it
 * starts the workers, restarts one that dies (same index, so it fences its predecessor's open
 * transaction), drains them all on SIGTERM, and answers their questions over IPC: the metrics of
 * every worker summed (prom-client's AggregatorRegistry), and the state of every worker for
 * /health/ready.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../core/logger.ts';
import { runStage } from '../core/stage/lifecycle.ts';

/** Set by the primary in each worker's environment: the worker's stable index, 0 … N − 1. */
export const WORKER_INDEX_ENV = 'AIRLOCK_CLUSTER_WORKER_INDEX';

export interface WorkerView {
  index: number;
  pid: number | undefined;
  state: 'starting' | 'ready' | 'restarting' | 'stopped';
  restarts: number;
}

type Message =
  | { type: 'airlock:ready' }
  | { type: 'airlock:metrics'; id: number }
  | { type: 'airlock:metrics-reply'; id: number; text?: string; error?: string }
  | { type: 'airlock:workers'; workers: WorkerView[] };

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';

/** This process's worker index when it is a cluster worker, else undefined. */
export function workerIndex(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!cluster.isWorker) return undefined;
  const v = Number(env[WORKER_INDEX_ENV]);
  return Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** The primary: forks `workers` workers and keeps them running until SIGTERM / SIGINT. */
export async function runPrimary(opts: { workers: number; logger: Logger; graceMs: number }) {
  const { logger } = opts;
  const views: WorkerView[] = Array.from({ length: opts.workers }, (_, index) => ({
    index,
    pid: undefined,
    state: 'starting',
    restarts: 0,
  }));
  const live = new Map<number, Worker>();
  const aggregator = new AggregatorRegistry();
  let draining = false;
  const broadcast = () => {
    for (const w of live.values())
      if (w.isConnected()) w.send({ type: 'airlock:workers', workers: views } satisfies Message);
  };

  const fork = (index: number, onReady?: () => void, onEarlyExit?: (code: number | null) => void) => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    const view = views[index] as WorkerView;
    view.pid = worker.process.pid;
    live.set(index, worker);
    worker.on('message', (m: unknown) => {
      if (!isMessage(m)) return;
      if (m.type === 'airlock:ready') {
        view.state = 'ready';
        broadcast();
        onReady?.();
      } else if (m.type === 'airlock:metrics') {
        aggregator.clusterMetrics().then(
          (text) => worker.isConnected() && worker.send({ type: 'airlock:metrics-reply', id: m.id, text }),
          (err: Error) =>
            worker.isConnected() &&
            worker.send({ type: 'airlock:metrics-reply', id: m.id, error: err.message }),
        );
      }
    });
    worker.once('exit', (code, signal) => {
      live.delete(index);
      if (draining) {
        view.state = 'stopped';
        return;
      }
      if (view.state === 'starting') {
        onEarlyExit?.(code);
        if (onEarlyExit) return;
      }
      // A worker that died under load: its connections are gone (clients retry); a new worker with
      // the same index takes over its transactional id, aborting the transaction it left open.
      view.state = 'restarting';
      view.restarts += 1;
      logger.error(
        { worker: index, code, signal, restarts: view.restarts },
        'ingress worker died; starting another',
      );
      broadcast();
      setTimeout(() => {
        if (!draining) fork(index);
      }, 1000).unref();
    });
  };

  await runStage({
    logger,
    // The workers drain within the same grace period; the primary waits a little longer for them.
    graceMs: opts.graceMs + 5000,
    async start() {
      logger.info({ workers: opts.workers }, 'starting ingress workers');
      await Promise.all(
        views.map(
          (v) =>
            new Promise<void>((resolve, reject) =>
              fork(v.index, resolve, (code) =>
                reject(new Error(`ingress worker ${v.index} exited with code ${code} during start-up`)),
              ),
            ),
        ),
      ).catch((err: unknown) => {
        draining = true;
        for (const w of live.values()) w.process.kill('SIGKILL');
        throw err;
      });
      return {
        async drain() {
          draining = true;
          await Promise.all(
            [...live.values()].map(
              (w) =>
                new Promise<void>((resolve) => {
                  if (w.isDead()) return resolve();
                  w.once('exit', () => resolve());
                  w.process.kill('SIGTERM');
                }),
            ),
          );
        },
      };
    },
  });
}

/**
 * A worker's side: tells the primary it is ready, keeps the primary's view of every worker, and
 * asks the primary for the metrics of all workers (its own registry is what the primary collects).
 */
export function workerLink() {
  // Constructing one installs prom-client's answer to the primary's collection requests.
  new AggregatorRegistry();
  let workers: WorkerView[] = [];
  let next = 0;
  const pending = new Map<number, { resolve: (t: string) => void; reject: (e: Error) => void }>();
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.type === 'airlock:workers') workers = m.workers;
    else if (m.type === 'airlock:metrics-reply') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.text !== undefined) p?.resolve(m.text);
      else p?.reject(new Error(m.error ?? 'no metrics'));
    }
  });
  return {
    /** The registry the primary collects from this worker. */
    attach: (registry: Registry) => AggregatorRegistry.setRegistries([registry]),
    ready: () => process.send?.({ type: 'airlock:ready' } satisfies Message),
    workers: () => workers,
    /** Every worker's metrics, summed by the primary (counters and histograms add up). */
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the primary did not answer with the metrics within 5 s'));
        }, 5000);
        pending.set(id, {
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        process.send?.({ type: 'airlock:metrics', id } satisfies Message);
      }),
  };
}
