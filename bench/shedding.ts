/**
 * `npm run bench:shedding`: load shedding by route priority (issue #15 §4) at twice the sustainable
 * rate. Prints numbers and ratios against baselines measured in the same run; it is not a test.
 * Needs the local stack (npm run stack:up).
 *
 * 1. An ingress with shedding off: the single-record maximum (closed loop, C senders, on the
 *    logbook route); the sustainable rate S is BENCH_RATE_FRACTION (0.6) of it: an open loop at
 *    the closed-loop maximum itself has no headroom, and at half of it (bench:ingress's latency
 *    rate) twice S is the maximum, not an overload; 2 × 0.6 is 1.2 times the maximum.
 * 2. Open loop at 1× S, half logbook (the highest priority) and half measurements (the lowest):
 *    each route's p50/p99 and the publish time (the baseline p99); then at 2× S (S per route).
 * 3. A fresh ingress with shedding on, its publish-time threshold BENCH_SHED_FACTOR (3) times the
 *    publish time measured at 1×: the same 1× and 2× loads.
 * Publishing is made the bottleneck, as when the broker is slow (what shedding answers): one
 * transactional producer (BENCH_TX_PRODUCERS) and transactions of at most BENCH_PUBLISH_BATCH (5)
 * records. Otherwise, on the 2-core machine, the ingress's own CPU is the limit, which is sizing
 * (workers), not shedding: bench:ingress.
 * It prints the high-priority p99 at 2× with shedding against its p99 at 1× (the ratio) and
 * against 2× without shedding, and the fraction of each route shed (503 OVERLOADED).
 */
import { readFileSync } from 'node:fs';
import { ROOT } from '../scripts/lib/stack-env.ts';
import { httpsCall } from '../test/support/https.ts';
import { type Pipeline, startPipeline } from '../test/support/pipeline.ts';
import { services } from '../test/support/services.ts';
import { closedLoop, fmt, openLoop, pct, tablet, UNTHROTTLED_INGRESS } from './lib.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
// Connections per route in the open loops: enough that a backlog waits in the ingress, as with many
// senders, not in this client's connection pool, where the ingress could not see it.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 256);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FACTOR = Number(process.env.BENCH_SHED_FACTOR ?? 3);
const FRACTION = Number(process.env.BENCH_RATE_FRACTION ?? 0.6);
const TX_PRODUCERS = process.env.BENCH_TX_PRODUCERS ?? '1';
const PUBLISH_BATCH = process.env.BENCH_PUBLISH_BATCH ?? '5';
const example = (file: string) =>
  JSON.stringify(JSON.parse(readFileSync(`${ROOT}avro/examples/${file}`, 'utf8')));
const ENTRY = example('logbook-entry/valid/crs-easa.json');
const MEASUREMENT = example('measurement/valid/torque-in-spec.json');

const s = await services();

interface RouteRun {
  latencies: number[];
  sent: number;
  shed: number;
  errors: number;
}
interface Phase {
  high: RouteRun;
  low: RouteRun;
  /** Mean publish time (hand-over to commit) of the phase, from the ingress's histogram. */
  publishMs: number;
  maxLevel: number;
}

/** The sum and count of airlock_ingress_publish_seconds, and the shedding level, from /metrics. */
async function scrape(p: Pipeline) {
  const text = (await httpsCall(p.pki, `${p.url}/metrics`)).text;
  const num = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    sum: num('airlock_ingress_publish_seconds_sum'),
    count: num('airlock_ingress_publish_seconds_count'),
    level: num('airlock_ingress_shedding_level'),
  };
}

async function start(shedding: Record<string, unknown>) {
  const p = await startPipeline(s, ['ingress'], {
    ...UNTHROTTLED_INGRESS,
    AIRLOCK_INGRESS_WORKERS: '1',
    AIRLOCK_INGRESS_TRANSACTIONAL_PRODUCERS: TX_PRODUCERS,
    AIRLOCK_INGRESS_PUBLISH_BATCH_MAX_RECORDS: PUBLISH_BATCH,
    AIRLOCK_INGRESS_SHEDDING: JSON.stringify(shedding),
  });
  const high = await tablet(p, CONNECTIONS, { path: '/v1/logbook', body: ENTRY });
  const low = await tablet(p, CONNECTIONS, { path: '/v1/measurements', body: MEASUREMENT });
  // Warm-up: every connection's TLS handshake, JIT, the producers' first metadata.
  await closedLoop(() => Promise.all([high.post(), low.post()]), 3, CONNECTIONS);
  return { p, high, low };
}

/** Both routes in an open loop at their rates (requests/s) for SECONDS. */
async function phase(
  ingress: Awaited<ReturnType<typeof start>>,
  highRate: number,
  lowRate: number,
): Promise<Phase> {
  const before = await scrape(ingress.p);
  let maxLevel = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxLevel = Math.max(maxLevel, (await scrape(ingress.p)).level);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const run = async (client: typeof ingress.high, rate: number): Promise<RouteRun> => {
    const r: RouteRun = { latencies: [], sent: 0, shed: 0, errors: 0 };
    r.sent = await openLoop(
      rate,
      SECONDS,
      () => client.post(),
      (t0, answer) => {
        if (answer?.status === 202) r.latencies.push(performance.now() - t0);
        else if (answer?.status === 503 && answer.text.includes('"OVERLOADED"')) r.shed++;
        else r.errors++;
      },
    );
    r.latencies.sort((a, b) => a - b);
    return r;
  };
  const [high, low] = await Promise.all([run(ingress.high, highRate), run(ingress.low, lowRate)]);
  sampling = false;
  await sampler;
  const after = await scrape(ingress.p);
  const publishMs = (1000 * (after.sum - before.sum)) / Math.max(1, after.count - before.count);
  return { high, low, publishMs, maxLevel };
}

async function stop(ingress: Awaited<ReturnType<typeof start>>) {
  ingress.high.close();
  ingress.low.close();
  await ingress.p.stop();
}

// 1. Shedding off: the maximum, the sustainable rate, the baselines at 1× and 2×.
const off = await start({ enabled: false });
const maxRps = await closedLoop(() => off.high.post(), SECONDS, CONCURRENCY);
const sustainable = FRACTION * maxRps;
const offOne = await phase(off, sustainable / 2, sustainable / 2);
const offTwo = await phase(off, sustainable, sustainable);
await stop(off);

// 2. Shedding on, its threshold from the publish time at 1×.
const maxPublishMs = Math.max(5, Math.round(FACTOR * offOne.publishMs));
const settings = { maxPublishMs, holdMs: Number(process.env.BENCH_HOLD_MS ?? 1000), retryAfterS: 1 };
const on = await start(settings);
const onOne = await phase(on, sustainable / 2, sustainable / 2);
const onTwo = await phase(on, sustainable, sustainable);
await stop(on);

const p99 = (r: RouteRun) => pct(r.latencies, 0.99);
const line = (name: string, ph: Phase) => {
  const route = (label: string, r: RouteRun) =>
    `${label} p50 ${fmt(pct(r.latencies, 0.5))} ms p99 ${fmt(p99(r))} ms, shed ${fmt((100 * r.shed) / Math.max(1, r.sent))} %${r.errors ? `, errors ${r.errors}` : ''}`;
  console.log(
    `  ${name}: ${route('logbook (high)', ph.high)}; ${route('measurements (low)', ph.low)}; publish ${fmt(ph.publishMs)} ms, highest level ${ph.maxLevel}`,
  );
};
console.log(
  `bench/shedding — ${CONCURRENCY} senders for the maximum, up to ${CONNECTIONS} connections per route in the open loops, ${SECONDS} s per phase, single-record requests, 1 worker, ${TX_PRODUCERS} transactional producer(s), at most ${PUBLISH_BATCH} records per transaction`,
);
console.log(
  `  single-record maximum (closed loop, logbook): ${fmt(maxRps)} requests/s; sustainable rate S = ${FRACTION} of it: ${fmt(sustainable)} requests/s`,
);
console.log(`  shedding off (baseline):`);
line(`1× S (${fmt(sustainable / 2)} + ${fmt(sustainable / 2)} req/s)`, offOne);
line(`2× S (${fmt(sustainable)} + ${fmt(sustainable)} req/s)`, offTwo);
console.log(`  shedding on ${JSON.stringify(settings)} (maxPublishMs = ${FACTOR} × the publish time at 1×):`);
line('1× S', onOne);
line('2× S', onTwo);
console.log(
  `  high-priority p99 at 2× with shedding / its p99 at 1× (shedding off): ${fmt(p99(onTwo.high) / p99(offOne.high))} × (without shedding at 2×: ${fmt(p99(offTwo.high) / p99(offOne.high))} ×)`,
);
console.log(
  `  shed at 2×: logbook ${fmt((100 * onTwo.high.shed) / Math.max(1, onTwo.high.sent))} %, measurements ${fmt((100 * onTwo.low.shed) / Math.max(1, onTwo.low.sent))} %`,
);
process.exit(0);
