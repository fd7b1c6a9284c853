/**
 * `npm start`: brings the local stack up when no brokers are configured, then runs the three stages
 * (ingress, validators, router) as separate processes, as they run in production, and prints how
 * to send a record. Ctrl-C (SIGINT) or SIGTERM drains all three.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { devIngressEnv, ensureDevPki } from './lib/dev-identity.ts';
import { ROOT, withStackEnv } from './lib/stack-env.ts';

const STAGES = ['ingress', 'validators', 'router'] as const;

const localStack = !process.env.AIRLOCK_KAFKA_BROKERS;
if (localStack) {
  console.log('airlock: no AIRLOCK_KAFKA_BROKERS configured; starting the local stack (npm run stack:up)');
  const up = spawnSync('bash', [`${ROOT}stack/stack.sh`, 'up'], { stdio: 'inherit' });
  if (up.status !== 0) process.exit(up.status ?? 1);
  // The validators enforce the reference-data rules: the local stack gets the demo roster, fleet
  // master and release certificates the sample records refer to (npm run ref:load -- --demo).
  const load = spawnSync(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', `${ROOT}scripts/ref-load.ts`, '--demo'],
    {
      stdio: 'inherit',
    },
  );
  if (load.status !== 0) process.exit(load.status ?? 1);
}

// The quick start runs the real front door: mutual TLS and verified tokens, from the development
// PKI and token issuer (npm run dev:pki, npm run dev:token).
const pki = ensureDevPki();
const env: NodeJS.ProcessEnv = { ...devIngressEnv(pki), ...withStackEnv(process.env) };
const port = env.AIRLOCK_INGRESS_PORT ?? '8080';
const children = new Map<string, ChildProcess>();
const ready = new Set<string>();
let stopping = false;

function stopAll(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill(signal);
}

for (const stage of STAGES) {
  // Own process group (detached): Ctrl-C reaches start.ts alone, which sends each stage one SIGTERM
  // to drain; a second signal would make a stage exit at once.
  const child = spawn(process.execPath, [`${ROOT}${stage}/main.ts`], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  children.set(stage, child);
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    if (line.includes('"msg":"lifecycle ready"') && !ready.has(stage)) {
      ready.add(stage);
      if (ready.size === STAGES.length) {
        console.log(`
airlock: ingress, validators and router are ready (https://127.0.0.1:${port}, mutual TLS + JWT).
  send a sample record and watch it arrive:  npm run demo
  or by hand, as a certifying_staff tablet (client certificate + bound token):
    curl -sS https://127.0.0.1:${port}/v1/parts/trace \\
      --cacert ${pki}/ca.crt --cert ${pki}/client-certifying_staff.crt --key ${pki}/client-certifying_staff.key \\
      -H "authorization: Bearer $(npm run -s dev:token -- certifying_staff)" \\
      -H 'content-type: application/json' \\
      -H "x-maintenance-context: $(printf '%s' '{"work_order_id":"3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c","aircraft_registration":"D-AIBL","technician_badge_hash":"19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2"}' | base64 -w0)" \\
      --data @avro/examples/parts-trace-event/valid/installed-easa.json
  sent twice, the installation is refused the second time (TRACE-SEQ-2: the part is installed
  already): 202 from the ingress, the rejection from the validators (npm run dlq -- list)
  stop with Ctrl-C; stop the stack with npm run stack:down
`);
      }
    }
  });
  child.on('exit', (code, signal) => {
    children.delete(stage);
    if (!stopping) {
      console.error(`airlock: ${stage} exited (code ${code}, signal ${signal}); stopping the others`);
      process.exitCode = 1;
      stopAll('SIGTERM');
    }
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
}

process.on('SIGINT', () => stopAll('SIGTERM'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
