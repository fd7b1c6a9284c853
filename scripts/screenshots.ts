/**
 * `npm run docs:screenshots`: the pictures of docs/operations.md, from a real run (issue #16). The
 * three stages run on the local stack with tracing on, a steady load of records goes through
 * (some refused by the validators, so the DLQ has series), and headless Chromium (Debian's) takes:
 *
 * - docs/images/trace.png: one record's trace in Zipkin's UI. The stages export OTLP to Jaeger
 *   (as in the tests), which also forwards every span over Kafka in Zipkin's JSON to a Zipkin
 *   server (Maven Central, io.zipkin:zipkin-server exec jar), whose UI ships in the jar — Jaeger's
 *   own UI is not in its Go module;
 * - docs/images/dashboard.png: deploy/prometheus/consoles/airlock.html, rendered by a real
 *   Prometheus (Debian's) scraping the stages (Grafana is not in the registries these machines reach).
 *
 * Needs the local stack (npm run stack:up), Java and Maven, and root for apt-get (chromium).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTopicsWithLeaders } from '../core/kafka/topics.ts';
import { postRecord, tokenFor } from '../test/support/https.ts';
import { startJaeger } from '../test/support/jaeger.ts';
import { edgeMessage, testKafka } from '../test/support/kafka.ts';
import { startLocalService } from '../test/support/local-service.ts';
import { startPipeline } from '../test/support/pipeline.ts';
import {
  AIRLOCK_CONSOLES,
  ensureDebianTool,
  pipelineTargets,
  startPrometheus,
} from '../test/support/prometheus.ts';
import { services } from '../test/support/services.ts';
import { freePort, until } from '../test/support/wait.ts';
import { sampleRecord } from './lib/sample.ts';
import { ROOT } from './lib/stack-env.ts';

const ZIPKIN = 'io.zipkin:zipkin-server:3.5.1:jar:exec';
const LOAD_SECONDS = Number(process.env.SCREENSHOT_LOAD_SECONDS ?? 150);
const out = `${ROOT}docs/images`;

function zipkinJar(): string {
  const dir = `${ROOT}.stack/downloads`;
  const jar = join(dir, 'zipkin-server-3.5.1-exec.jar');
  if (!existsSync(jar)) {
    mkdirSync(dir, { recursive: true });
    const run = spawnSync(
      'mvn',
      ['-B', '-q', 'dependency:copy', `-Dartifact=${ZIPKIN}`, `-DoutputDirectory=${dir}`],
      {
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`Maven could not fetch ${ZIPKIN}: ${run.stdout}${run.stderr}`);
  }
  return jar;
}

/** A page as headless Chromium renders it after `budgetMs` of its own (virtual) time. */
function screenshot(url: string, file: string, size: string, budgetMs: number): void {
  const run = spawnSync(
    'chromium',
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      `--window-size=${size}`,
      `--virtual-time-budget=${budgetMs}`,
      `--screenshot=${file}`,
      url,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0 || !existsSync(file)) throw new Error(`chromium could not take ${url}: ${run.stderr}`);
  console.log(`wrote ${file}`);
}

ensureDebianTool('chromium', 'chromium');
mkdirSync(out, { recursive: true });
const s = await services();
const topic = `screenshots-zipkin-${randomBytes(3).toString('hex')}`;
const kafka = testKafka(s);
const admin = kafka.admin();
await admin.connect();
await createTopicsWithLeaders(admin, [{ topic, numPartitions: 1 }]);
const jaeger = await startJaeger({ zipkinTopic: { brokers: s.brokers, topic } });
const zipkinPort = await freePort();
const zipkin = await startLocalService({
  name: 'Zipkin',
  command: 'java',
  args: ['-Xmx384m', '-jar', zipkinJar()],
  env: {
    QUERY_PORT: String(zipkinPort),
    STORAGE_TYPE: 'mem',
    COLLECTOR_HTTP_ENABLED: 'false',
    COLLECTOR_GRPC_ENABLED: 'false',
    KAFKA_BOOTSTRAP_SERVERS: s.brokers.join(','),
    KAFKA_TOPIC: topic,
  },
  dir: mkdtempSync(join(tmpdir(), 'airlock-zipkin-')),
  ready: async () => (await fetch(`http://127.0.0.1:${zipkinPort}/health`)).ok,
  readyWithinMs: 120_000,
});
const p = await startPipeline(s, ['ingress', 'validators', 'router'], {
  AIRLOCK_TRACING_ENDPOINT: jaeger.otlpUrl,
});
const prom = await startPrometheus(pipelineTargets(p), { consoles: AIRLOCK_CONSOLES });
try {
  // The load: 15 records/s over mutual TLS (below the default identity rate limit), and every tenth second a few records from an "edge"
  // straight onto the ingress topic that the validators refuse (a serial number that is not a string).
  const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 3600 });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const traceId = randomBytes(16).toString('hex');
  const started = Date.now();
  for (let second = 0; Date.now() - started < LOAD_SECONDS * 1000; second++) {
    const tick = Date.now();
    const sends = Array.from({ length: 15 }, (_, i) =>
      postRecord(p.pki, p.url, token, {
        headers:
          second === 5 && i === 0
            ? { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }
            : {},
      }),
    );
    if (second % 10 === 0)
      await producer.send({
        topic: p.topics.ingress,
        messages: [1, 2, 3].map(() => edgeMessage({ ...sampleRecord(), serial_number: 4711 }, 'D-AIBL')),
      });
    await Promise.all(sends);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - tick))));
  }
  await producer.disconnect();
  await until(
    'the trace in Zipkin',
    async () => (await fetch(`http://127.0.0.1:${zipkinPort}/zipkin/api/v2/trace/${traceId}`)).ok,
    60_000,
  );
  screenshot(
    `http://127.0.0.1:${zipkinPort}/zipkin/traces/${traceId}`,
    `${out}/trace.png`,
    '1400,820',
    15_000,
  );
  // The console's time control reads its range from the URL's #pctc (Prometheus's prom_console.js).
  const range = encodeURIComponent(JSON.stringify({ duration: LOAD_SECONDS + 30, endTime: 0 }));
  screenshot(`${prom.url}/consoles/airlock.html#pctc${range}`, `${out}/dashboard.png`, '1400,1800', 20_000);
  console.log(`trace ${traceId}; load ${LOAD_SECONDS} s; ${new Date().toISOString()}`);
} finally {
  await prom.stop();
  await p.stop();
  await zipkin.stop();
  await jaeger.stop();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
