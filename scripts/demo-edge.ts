/**
 * `npm run demo:edge` (with `npm start` running): a record captured at a station while its central
 * ingress is down is queued, and arrives exactly once after that ingress starts. The demo runs its
 * own station (port 8453, a fresh data folder) and its own second central ingress (port 8090, not
 * started at first) beside npm start's, so npm start's stages carry the record on to
 * airlock.parts-trace.v1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { CompactSign } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { signedBytes } from '../edge/signature.ts';
import { DEV_TABLET_KID, ensureDevEdge } from './lib/dev-edge.ts';
import { devIngressEnv } from './lib/dev-identity.ts';
import { sampleContext, sampleRecord } from './lib/sample.ts';
import { ROOT, withStackEnv } from './lib/stack-env.ts';

const env = withStackEnv(process.env);
const EDGE_PORT = '8453';
const CENTRAL_PORT = '8090';
const station = await ensureDevEdge(`https://127.0.0.1:${CENTRAL_PORT}`, env);
const data = mkdtempSync(`${tmpdir()}/airlock-demo-edge-`);

const call = (port: string, method: string, path: string, body?: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      `https://127.0.0.1:${port}${path}`,
      {
        method,
        ca: readFileSync(`${station.pki}/ca.crt`),
        cert: readFileSync(`${station.pki}/client-certifying_staff.crt`),
        key: readFileSync(`${station.pki}/client-certifying_staff.key`),
        headers: body ? { 'content-type': 'application/json' } : {},
        agent: false,
      },
      (r) => {
        let text = '';
        r.on('data', (c: Buffer) => {
          text += c.toString();
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/** Starts a stage and resolves once it logged `lifecycle ready`. */
const start = (file: string, stageEnv: Record<string, string | undefined>) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning', `${ROOT}${file}`],
      {
        env: { ...stageEnv, AIRLOCK_LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('"msg":"lifecycle ready"')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });

const children: ChildProcess[] = [];
const finish = (code: number) => {
  for (const c of children) c.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
  process.exit(code);
};

try {
  await call(env.AIRLOCK_INGRESS_PORT ?? '8080', 'GET', '/health/live');
} catch {
  console.error('Airlock is not running: start it with `npm start` first.');
  process.exit(1);
}

console.log(
  `1. the station starts (https://127.0.0.1:${EDGE_PORT}); its central ingress (port ${CENTRAL_PORT}) is down`,
);
children.push(
  await start('edge/main.ts', {
    ...env,
    ...station.env,
    AIRLOCK_EDGE_PORT: EDGE_PORT,
    AIRLOCK_EDGE_DATA_DIR: data,
  }),
);

const marker = `captured offline ${randomUUID()}`;
const fields = {
  route: 'parts-trace',
  context: sampleContext('D-AIBL'),
  record: { ...sampleRecord(), remarks: marker },
  captured_at: new Date().toISOString(),
};
const signature = await new CompactSign(signedBytes(fields))
  .setProtectedHeader({ alg: 'ES256', kid: DEV_TABLET_KID })
  .sign(createPrivateKey(readFileSync(station.tabletKeyFile)));
const queued = await call(EDGE_PORT, 'POST', '/edge/queue', JSON.stringify({ ...fields, signature }));
console.log(`2. a tablet queues a signed record: ${queued.status} ${queued.body}`);
if (queued.status !== 202) finish(1);
const status = async () => JSON.parse((await call(EDGE_PORT, 'GET', '/health/sync-status')).body);
await new Promise((r) => setTimeout(r, 1500));
const offline = await status();
console.log(`   sync status: ${offline.connectivity}, queued ${offline.queued.airworthiness.records}`);

console.log('3. the central ingress starts');
children.push(
  await start('ingress/main.ts', {
    ...env,
    ...devIngressEnv(station.pki),
    AIRLOCK_INGRESS_PORT: CENTRAL_PORT,
    AIRLOCK_INGRESS_TRANSACTIONAL_ID: 'airlock-demo-edge-ingress',
  }),
);
for (let i = 0; i < 120 && (await status()).queued.airworthiness.records > 0; i++)
  await new Promise((r) => setTimeout(r, 250));
const synced = await status();
console.log(
  `   sync status: ${synced.connectivity}, queued ${synced.queued.airworthiness.records}, synced ${synced.synced}`,
);

assertReadCommittedSafe();
const topic = env.AIRLOCK_TOPIC_PARTS_TRACE ?? 'airlock.parts-trace.v1';
const kafka = new Kafka({
  clientId: 'airlock-demo-edge',
  brokers: (env.AIRLOCK_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});
const registry = new SchemaRegistry({
  host: env.AIRLOCK_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
});
const consumer = kafka.consumer({ groupId: `airlock-demo-edge-${randomUUID()}`, readUncommitted: false });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let seen = 0;
console.log(`4. reading ${topic} for "${marker}" (10 s) ...`);
void consumer.run({
  eachMessage: async ({ message }) => {
    if (!message.value) return;
    const decoded = (await registry.decode(message.value)) as { payload?: { remarks?: string } };
    if (decoded.payload?.remarks === marker) {
      seen++;
      console.log(`   arrived: offset ${message.offset}, key ${message.key}`);
    }
  },
});
await new Promise((r) => setTimeout(r, 10_000));
console.log(seen === 1 ? '   exactly once.' : `   seen ${seen} times: see the stages' logs`);
finish(seen === 1 ? 0 : 1);
