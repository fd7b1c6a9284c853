/**
 * `npm run edge`: a development edge station against the local central stack (`npm start`): its
 * own process, port (AIRLOCK_EDGE_PORT, 8443) and data folder (<stack dir>/edge/data). Prints how to
 * queue a signed record; `npm run demo:edge` does it for you.
 */
import { spawn } from 'node:child_process';
import { ensureDevEdge } from './lib/dev-edge.ts';
import { ROOT, withStackEnv } from './lib/stack-env.ts';

const env = withStackEnv(process.env);
const central = `https://127.0.0.1:${env.AIRLOCK_INGRESS_PORT ?? '8080'}`;
const station = await ensureDevEdge(central, env);
console.log(
  `edge station: https://127.0.0.1:${env.AIRLOCK_EDGE_PORT ?? '8443'}, data in ${station.dir}/data, syncing to ${central}`,
);
console.log(
  `  sync status: curl --cacert ${station.pki}/ca.crt --cert ${station.pki}/client-certifying_staff.crt --key ${station.pki}/client-certifying_staff.key https://127.0.0.1:${env.AIRLOCK_EDGE_PORT ?? '8443'}/health/sync-status`,
);
const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', `${ROOT}edge/main.ts`], {
  env: { ...env, ...station.env },
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 1));
