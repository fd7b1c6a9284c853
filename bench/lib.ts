/** What the benchmark scripts share: a certifying-staff tablet over mTLS, load loops, baselines. */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { Kafka } from 'kafkajs';
import { pino } from 'pino';
import { createTransformLoop, type TransformLoop } from '../core/consumer/transform-loop.ts';
import { contextHeader, sampleContext, sampleRecord } from '../scripts/lib/sample.ts';
import { tokenFor } from '../test/support/https.ts';
import type { Pipeline } from '../test/support/pipeline.ts';

/** The ingress with its limiter in the path (one Redis round trip) but not throttling the load. */
export const UNTHROTTLED_INGRESS = {
  AIRLOCK_INGRESS_ACCESS_LOG: 'false',
  NOSTATUS: process.env.NOSTATUS ?? '',
  AIRLOCK_INGRESS_RATE_LIMITS: '{"*":{"limit":100000000,"windowMs":1000}}',
};

export const fmt = (n: number) => n.toFixed(1);
export const pct = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * A tablet with its client certificate and a bound token, keeping `concurrency` connections; it
 * posts the sample parts-trace record, or `opts.body` to `opts.path`.
 */
export async function tablet(p: Pipeline, concurrency: number, opts: { path?: string; body?: string } = {}) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: concurrency,
    ca: readFileSync(`${p.pki}/ca.crt`),
    cert: readFileSync(`${p.pki}/client-certifying_staff.crt`),
    key: readFileSync(`${p.pki}/client-certifying_staff.key`),
  });
  const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 3600 });
  const body = opts.body ?? JSON.stringify(sampleRecord());
  const ctx = contextHeader(sampleContext());
  const url = new URL(`${p.url}${opts.path ?? '/v1/parts/trace'}`);
  const post = (payload = body, type = 'application/json') =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': type, 'x-maintenance-context': ctx, authorization: `Bearer ${token}` },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { post, body, ctx, close: () => agent.destroy() };
}

/** `concurrency` senders as fast as answers come, for `seconds`: the rate achieved. */
export async function closedLoop(
  send: () => Promise<unknown>,
  seconds: number,
  concurrency: number,
): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await send();
        done++;
      }
    }),
  );
  return done / seconds;
}

/** The bare baseline of a consumer stage: the same transactional loop, copying records unchanged. */
export function copyLoop(
  kafka: Kafka,
  o: { groupId: string; inputTopic: string; outputTopic: string; prefix: string },
): TransformLoop {
  return createTransformLoop({
    kafka,
    sessionTimeoutMs: 30000,
    logger: pino({ level: 'silent' }),
    groupId: o.groupId,
    inputTopic: o.inputTopic,
    transactionalIdPrefix: o.prefix,
    transform: async ({ message }) => [
      { topic: o.outputTopic, message: { key: message.key, value: message.value, headers: message.headers } },
    ],
    deadLetter: () => {
      throw new Error('the baseline never dead-letters');
    },
    onFatal: (err) => {
      throw err;
    },
  });
}

/** Starts a send every 1/rate s for `seconds` (open loop); calls `done` with each send's start time. */
export async function openLoop<T>(
  rate: number,
  seconds: number,
  send: () => Promise<T>,
  done: (t0: number, result: T | undefined) => void,
): Promise<number> {
  const total = Math.floor(rate * seconds);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      send().then(
        (r) => done(t0, r),
        () => done(t0, undefined),
      ),
    );
  }
  await Promise.all(inflight);
  return total;
}

/**
 * A sensor gateway over HTTP/2: `sessions` TLS connections with the `sensor` role's client
 * certificate and a bound client-credentials token, every request a stream on one of them in turn
 * (many devices multiplexed on few connections, as a tool gateway sends).
 */
export async function sensorGateway(p: Pipeline, sessions: number, path = '/v1/measurements') {
  const { connect } = await import('node:http2');
  const tls = {
    ca: readFileSync(`${p.pki}/ca.crt`),
    cert: readFileSync(`${p.pki}/client-sensor.crt`),
    key: readFileSync(`${p.pki}/client-sensor.key`),
  };
  const token = await tokenFor(p.pki, 'sensor', {
    ttlSeconds: 3600,
    subject: 'bench-tool-gateway',
    claims: { client_id: 'bench-tool-gateway' },
  });
  const ctx = contextHeader(sampleContext('D-AIBL'));
  const pool = await Promise.all(
    Array.from(
      { length: sessions },
      () =>
        new Promise<import('node:http2').ClientHttp2Session>((resolve, reject) => {
          const s = connect(p.url, tls);
          s.once('connect', () => {
            if (s.alpnProtocol !== 'h2') reject(new Error(`ALPN chose ${s.alpnProtocol}, not h2`));
            else resolve(s);
          });
          s.once('error', reject);
        }),
    ),
  );
  let next = 0;
  /** `context`: the maintenance context header of this request (an aircraft's work order). */
  const post = (body: string, type = 'application/x-ndjson', context = ctx) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const session = pool[next++ % pool.length];
      if (!session) return reject(new Error('no session'));
      const stream = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': type,
        'x-maintenance-context': context,
        authorization: `Bearer ${token}`,
      });
      let status = 0;
      let text = '';
      stream.on('response', (h) => {
        status = Number(h[':status']);
      });
      stream.on('data', (c: Buffer) => {
        text += c.toString();
      });
      stream.on('end', () => resolve({ status, text }));
      stream.on('error', reject);
      stream.end(body);
    });
  return {
    post,
    close: () => {
      for (const session of pool) session.close();
    },
  };
}
