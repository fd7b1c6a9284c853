#!/usr/bin/env -S node --disable-warning=TimeoutNegativeWarning
/**
 * Entry file of `airlock-dlq` (the package's bin): the only place the tool reads the environment.
 * The shebang silences kafkajs 2.2.4's TimeoutNegativeWarning (its request queue schedules a check
 * with a negative delay, which Node runs after 1 ms, as kafkajs intends): noise on an operator's
 * terminal, not a fault.
 */
import { runCli } from './cli.ts';

const controller = new AbortController();
let signals = 0;
const onSignal = (sig: NodeJS.Signals) => {
  signals += 1;
  // First signal: stop cleanly after the chunk in flight. Second: stop now (an open transaction is
  // aborted by the broker, so nothing half-done becomes visible).
  if (signals > 1) process.exit(130);
  process.stderr.write(`\n${sig}: stopping after the chunk in flight (again to stop at once)\n`);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
  signal: controller.signal,
});
// Kafka clients may keep sockets open for a moment; the work is done.
process.exit();
