/**
 * `npm run bench:edge`: the edge station on the local stack (issue #13). Prints numbers and ratios;
 * it is not a test.
 *
 * 1. intake: signed records into the outbox, NDJSON batches of B (one fsynced transaction each),
 *    C requests in flight, the central ingress down — records/s;
 * 2. sync: the central ingress starts; the time until the outbox is empty — records/s (batches of
 *    AIRLOCK_EDGE_SYNC_BATCH_RECORDS, one in flight, with its Idempotency-Key);
 * 3. baseline: the central ingress's own batched rate in the same run, the same records and batch
 *    size sent straight to it, one batch in flight (as the sync) and C in flight.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { sampleContext, sampleRecord } from '../scripts/lib/sample.ts';
import { edgeFiles, signedItem, startEdge } from '../test/support/edge.ts';
import { tokenFor } from '../test/support/https.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';
import { fmt, UNTHROTTLED_INGRESS } from './lib.ts';

const N = Number(process.env.BENCH_RECORDS ?? 5000);
const BATCH = Number(process.env.BENCH_BATCH ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const s = await services();
const p = await startPipeline(s, [], UNTHROTTLED_INGRESS);
const files = await edgeFiles(p.url, {
  AIRLOCK_EDGE_SYNC_BATCH_RECORDS: String(BATCH),
  AIRLOCK_EDGE_MAX_AIRWORTHINESS_BYTES: String(4 * 1024 * 1024 * 1024),
});
const edge = await startEdge(files);
const context = sampleContext('D-AIBL');

const agent = new Agent({
  keepAlive: true,
  maxSockets: CONCURRENCY,
  ca: readFileSync(`${p.pki}/ca.crt`),
  cert: readFileSync(`${p.pki}/client-certifying_staff.crt`),
  key: readFileSync(`${p.pki}/client-certifying_staff.key`),
});
const post = (url: string, body: string, headers: Record<string, string>) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
const get = async (url: string) =>
  new Promise<string>((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });

/** Sends `bodies` with `inFlight` requests at a time; records/s. */
async function run(
  bodies: string[],
  inFlight: number,
  send: (body: string) => Promise<void>,
): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string;
        await send(body);
      }
    }),
  );
  return (bodies.length * BATCH) / ((performance.now() - start) / 1000);
}

console.log(
  `bench/edge — ${N} records, batches of ${BATCH}, ${CONCURRENCY} in flight for intake and the parallel baseline`,
);
const records = Array.from({ length: N }, (_, i) => ({ ...sampleRecord(), remarks: `bench ${i}` }));
const items = await Promise.all(
  records.map((r) => signedItem(files.signers.tablet, 'parts-trace', context, r)),
);
const edgeBodies: string[] = [];
for (let i = 0; i < N; i += BATCH)
  edgeBodies.push(
    `${items
      .slice(i, i + BATCH)
      .map((x) => JSON.stringify(x))
      .join('\n')}\n`,
  );

const intake = await run(edgeBodies, CONCURRENCY, async (body) => {
  const res = await post(`${edge.url}/edge/queue`, body, { 'content-type': 'application/x-ndjson' });
  if (res.status !== 207) throw new Error(`edge answered ${res.status}: ${res.text.slice(0, 300)}`);
});
console.log(`  intake into the outbox (fsync per request): ${fmt(intake)} records/s`);

await p.restart('ingress');
// From the first batch the centre took (the station may be waiting out its breaker before it).
const status = async () =>
  JSON.parse(await get(`${edge.url}/health/sync-status`)) as {
    synced: number;
    queued: { airworthiness: { records: number } };
  };
let at = await status();
while (at.synced === 0) {
  await new Promise((r) => setTimeout(r, 20));
  at = await status();
}
const syncStart = performance.now();
const left = at.queued.airworthiness.records;
while ((await status()).queued.airworthiness.records > 0) await new Promise((r) => setTimeout(r, 50));
const sync = left / ((performance.now() - syncStart) / 1000);
console.log(
  `  sync to the central ingress (one batch in flight, ${left} records after the first batch): ${fmt(sync)} records/s`,
);

const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 3600 });
const ctx = Buffer.from(JSON.stringify(context)).toString('base64');
const centralBodies: string[] = [];
for (let i = 0; i < N; i += BATCH)
  centralBodies.push(
    `${records
      .slice(i, i + BATCH)
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`,
  );
const central = (body: string) =>
  post(`${p.url}/v1/parts/trace`, body, {
    'content-type': 'application/x-ndjson',
    authorization: `Bearer ${token}`,
    'x-maintenance-context': ctx,
  }).then((res) => {
    if (res.status !== 207) throw new Error(`ingress answered ${res.status}: ${res.text.slice(0, 300)}`);
  });
const one = await run(centralBodies, 1, central);
const parallel = await run(centralBodies, CONCURRENCY, central);
console.log(`  baseline central ingress, batches of ${BATCH}, 1 in flight: ${fmt(one)} records/s`);
console.log(`  baseline central ingress, ${CONCURRENCY} in flight:         ${fmt(parallel)} records/s`);
console.log(`  ratio sync / baseline (1 in flight): ${fmt((100 * sync) / one)} %`);
console.log(`  ratio intake / baseline (${CONCURRENCY} in flight): ${fmt((100 * intake) / parallel)} %`);

agent.destroy();
await edge.stop();
await p.stop();
process.exit(0);
