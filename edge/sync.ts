/**
 * The sync (issue #13): while the outbox holds records, send them to the central ingress's batch
 * endpoint, one batch at a time in outbox order (so in order per aircraft and per part), as the
 * station (its client certificate and an `edge_station` token re-read from its file before each
 * batch). A batch is written down before it is sent, with the idempotency key
 * `edge:<station>:<db>:<first>-<last>:<n>` (`<db>` the database's own id); until the centre has answered it for good, the same records are sent
 * again with the same key, so a batch interrupted anywhere — the edge killed, the link cut, the
 * answer lost — is ingested once (the ingress answers a repeat with its stored answer; the
 * validators drop a repeat that got past it). Records answered 202 leave the outbox; records the
 * centre refuses for good (4xx) move to the reject list with the reason; anything else is retried
 * behind a circuit breaker (exponential backoff with jitter). An optional bandwidth cap paces it.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { CircuitBreaker } from '../core/circuit-breaker.ts';
import type { Config } from '../core/config/schema.ts';
import { ROUTES } from '../core/contract.ts';
import type { Logger } from '../core/logger.ts';
import { type Tracing, untraced } from '../core/telemetry/tracing.ts';
import type { Outbox, QueuedRecord } from './outbox.ts';

export interface SyncState {
  connectivity: 'unknown' | 'online' | 'offline';
  breaker: string;
  lastSyncAt?: string | undefined;
  lastError?: string | undefined;
  /** Records the centre confirmed durable since this process started. */
  synced: number;
}

/** Statuses of a record that a resend cannot change: it goes to the reject list. */
const FINAL = new Set([400, 401, 403, 404, 413, 415, 422]);

interface Answer {
  status: number;
  body: string;
}

interface ClientTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function post(
  config: Config,
  tls: ClientTls,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Answer> {
  const e = config.edge;
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, e.centralUrl),
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...tls,
        timeout: e.syncTimeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${e.syncTimeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function startSync(opts: {
  config: Config;
  outbox: Outbox;
  logger: Logger;
  onSynced?: (records: number) => void;
  onRejected?: (records: number) => void;
  /** A CLIENT span per batch sent (issue #16 §1): the central ingress's request span is its child. */
  tracing?: Tracing;
}): { state: () => SyncState; stop: () => Promise<void> } {
  const { config, outbox, logger } = opts;
  const tracing = opts.tracing ?? untraced;
  // Read once at start (a new certificate is a restart); the token is re-read per batch.
  const tls: ClientTls = {
    ca: readFileSync(config.edge.centralCaFile ?? ''),
    cert: readFileSync(config.edge.clientCertFile ?? ''),
    key: readFileSync(config.edge.clientKeyFile ?? ''),
  };
  const breaker = new CircuitBreaker({ threshold: 1, baseMs: 1000, maxMs: 30_000 });
  const state: SyncState = { connectivity: 'unknown', breaker: breaker.state, synced: 0 };
  let stopping = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  /** Records per batch: the configured number, halved while the centre answers 413 (too large). */
  let limit = config.edge.syncBatchRecords;

  /** Sends one batch; true when it was settled (the outbox moved on). */
  const send = async (records: QueuedRecord[], seqs: number[], key: string): Promise<boolean> => {
    const first = records[0];
    if (!first) return true;
    // One route and one maintenance context per request: the batch was formed so (by a hash of
    // them); what opened must agree, or nothing is sent under another record's context.
    const group = (r: QueuedRecord) => `${r.route}\n${JSON.stringify(r.context)}`;
    if (records.some((r) => group(r) !== group(first)))
      throw new Error('outbox: a batch mixes routes or contexts');
    const token = readFileSync(config.edge.tokenFile ?? '', 'utf8').trim();
    const body = `${records.map((r) => r.record).join('\n')}\n`;
    const span = tracing.start('edge sync', {
      kind: 'client',
      attributes: {
        'http.request.method': 'POST',
        'http.route': ROUTES[first.route].httpPath,
        'airlock.edge.station': config.edge.stationId ?? '',
        'airlock.edge.records': records.length,
      },
    });
    let answer: Answer;
    try {
      answer = await post(
        config,
        tls,
        ROUTES[first.route].httpPath,
        {
          'content-type': 'application/x-ndjson',
          authorization: `Bearer ${token}`,
          'x-maintenance-context': Buffer.from(JSON.stringify(first.context)).toString('base64'),
          'idempotency-key': key,
          traceparent: span.traceparent,
        },
        body,
      );
      span.set({ 'http.response.status_code': answer.status });
      if (answer.status !== 207) span.fail(new Error(`HTTP ${answer.status}`));
    } catch (err) {
      span.fail(err);
      throw err;
    } finally {
      span.end();
    }
    if (answer.status === 413 && records.length > 1) {
      // Too large for the centre, and nothing of it committed: formed again, half the size (a new
      // batch, a new key).
      outbox.resetInFlight();
      limit = Math.max(1, Math.floor(records.length / 2));
      throw new Error(`the central ingress refused a batch of ${records.length} as too large; halving it`);
    }
    const problem = (() => {
      try {
        return JSON.parse(answer.body) as { code?: string; detail?: string };
      } catch {
        return {};
      }
    })();
    if ((answer.status === 413 && records.length === 1) || problem.code === 'CONTEXT_INVALID') {
      // Refused for good, whole: the records go to the reject list with the centre's reason.
      outbox.settle(
        [],
        seqs.map((seq) => ({
          seq,
          status: answer.status,
          code: problem.code ?? '',
          detail: problem.detail ?? '',
        })),
      );
      opts.onRejected?.(seqs.length);
      logger.error(
        { status: answer.status, code: problem.code, records: seqs.length },
        'the centre refused a batch for good: kept in the reject list',
      );
      return true;
    }
    if (answer.status !== 207) {
      if (problem.code === 'IDEMPOTENCY_MISMATCH')
        logger.error(
          { key },
          'ALARM: the centre knows this idempotency key with another body; the batch waits',
        );
      // Not answered for good (unreachable, 5xx, 429, 409, the station's credentials): the batch
      // stays as it is and is sent again with its key.
      throw new Error(`the central ingress answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    }
    limit = config.edge.syncBatchRecords;
    const results = (
      JSON.parse(answer.body) as {
        results: { index: number; status: number; code?: string; detail?: string }[];
      }
    ).results;
    const transient = results.filter((r) => r.status !== 202 && !FINAL.has(r.status));
    // The ingress publishes a batch's valid records in one transaction: they are all 202 or all
    // 503. All transient: the batch stays in flight, resent with its key (the ingress freed it).
    if (transient.length > 0 && !results.some((r) => r.status === 202)) {
      throw new Error(`the central ingress could not take the batch now (${transient[0]?.code})`);
    }
    const durable = results.filter((r) => r.status === 202).map((r) => seqs[r.index] as number);
    // Should some be durable and others transient, the durable leave and the others stay queued
    // for a later batch (whose first and last sequence differ: another key).
    const rejected = results
      .filter((r) => FINAL.has(r.status))
      .map((r) => ({
        seq: seqs[r.index] as number,
        status: r.status,
        code: r.code ?? '',
        detail: r.detail ?? '',
      }));
    outbox.settle(durable, rejected);
    state.synced += durable.length;
    opts.onSynced?.(durable.length);
    if (rejected.length > 0) {
      opts.onRejected?.(rejected.length);
      logger.error({ rejected }, 'the centre refused records for good: kept in the reject list');
    }
    // Pace to the bandwidth cap.
    const cap = config.edge.syncBytesPerSecond;
    if (cap > 0) await sleep(Math.ceil((Buffer.byteLength(body) / cap) * 1000));
    return true;
  };

  const loop = (async () => {
    while (!stopping) {
      state.breaker = breaker.state;
      const wait = breaker.waitMs;
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      let batch: ReturnType<Outbox['nextBatch']>;
      try {
        batch = outbox.nextBatch(config.edge.stationId ?? '', limit);
      } catch (err) {
        // The outbox could not be read now (a lock held too long, a disk error): the loop lives on.
        state.lastError = (err as Error).message;
        logger.error({ err }, 'the outbox could not form a batch; trying again');
        await sleep(1000);
        continue;
      }
      if (!batch) {
        await sleep(500);
        continue;
      }
      const { records, inFlight } = batch;
      try {
        await breaker.run(() => send(records, inFlight.seqs, inFlight.idempotencyKey));
        state.connectivity = 'online';
        state.lastSyncAt = new Date().toISOString();
        state.lastError = undefined;
      } catch (err) {
        state.connectivity = 'offline';
        state.lastError = (err as Error).message;
        logger.warn(
          { err: (err as Error).message, key: batch.inFlight.idempotencyKey },
          'sync failed; retrying',
        );
      }
      state.breaker = breaker.state;
    }
  })();

  return {
    state: () => ({ ...state, breaker: breaker.state }),
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
