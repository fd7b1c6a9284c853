/**
 * `airlock`: the operator's commands beside the stages (the package's bin, through bin/airlock.js).
 * Today one: `airlock config check` (core/config/check.ts). The only place it reads the environment.
 */
import { runConfigCheck } from '../core/config/check.ts';

const HELP = `airlock — Airlock's operator commands

Usage: airlock config check [--stage <stage>] [--json]    validate the configuration, print it (secrets masked)

airlock-dlq (its own bin) inspects and replays rejected records: airlock-dlq --help.
`;

const [group, command, ...rest] = process.argv.slice(2);
const io = {
  out: (t: string) => process.stdout.write(`${t}\n`),
  err: (t: string) => process.stderr.write(t),
};
if (group === 'config' && command === 'check') process.exitCode = runConfigCheck(rest, process.env, io);
else if (group === undefined || group === '--help' || group === '-h' || group === 'help') io.out(HELP);
else {
  io.err(`airlock: unknown command ${[group, command].filter(Boolean).join(' ')}\n${HELP}`);
  process.exitCode = 2;
}
