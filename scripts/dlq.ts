/**
 * `npm run dlq -- <command> ...`: airlock-dlq against the local stack of `npm start`, with the
 * development identity provider's settings (scripts/lib/dev-identity.ts). Production runs the
 * package's `airlock-dlq` bin with its own AIRLOCK_* environment.
 */
import { runCli } from '../dlq-replayer/cli.ts';
import { devIngressEnv, ensureDevPki } from './lib/dev-identity.ts';
import { withStackEnv } from './lib/stack-env.ts';

const env: NodeJS.ProcessEnv = { ...devIngressEnv(ensureDevPki()), ...withStackEnv(process.env) };
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
  signal: controller.signal,
});
process.exit();
