/**
 * `airlock-dlq`: compliance staff list, show, count and replay rejected records (docs/dlq.md).
 * Tables for people, `--json` for scripts, a progress bar on stderr when it is a terminal. The
 * environment is the pipeline's (AIRLOCK_*); secrets come from files, never from the command line.
 * This file: the commands' help and dispatch; common.ts, format.ts, commands.ts and
 * replay-command.ts hold the rest.
 */

import { ConfigError, loadConfig } from '../core/config/load.ts';
import type { Config } from '../core/config/schema.ts';
import { AirlockError } from '../core/errors.ts';
import { createKafka } from '../core/kafka/client.ts';
import { ensureTopics } from '../core/kafka/topics.ts';
import { createLogger } from '../core/logger.ts';
import { createRegistry } from '../core/registry.ts';
import { list, show, statsCommand } from './commands.ts';
import { type Context, EXIT, FILTER_HELP, parseTime, UsageError } from './common.ts';
import { table } from './format.ts';
import type { Io } from './io.ts';
import { replay } from './replay-command.ts';

export { EXIT, type Io, parseTime, table };

const HELP: Record<string, string> = {
  main: `airlock-dlq — inspect, correct and replay rejected maintenance records

Usage: airlock-dlq <command> [options]    (airlock-dlq <command> --help for each)

Commands:
  list     rejected records, newest first, filtered and paged
  show     one rejected record whole: body, context, sender, reasons, earlier replays
  stats    counts by rule, error code, route, stage, day and sender
  replay   re-check (dry run, the default) or replay (--execute) rejected records, audited

Configuration: the pipeline's AIRLOCK_* environment (docs/configuration.md).
Exit status: 0 done; 1 failed; 2 usage; 3 operator refused; 4 some records not replayed; 130 cancelled.`,
  list: `Usage: airlock-dlq list [filters] [--limit N] [--page N]

Rejected records, newest first: REF (partition:offset, what show and replay take), when, stage,
code, rule ids, route, registration, work order, sender, and how often it was replayed.

  --limit N             records per page (default 50)
  --page N              page number, from 1 (default 1)
${FILTER_HELP}`,
  show: `Usage: airlock-dlq show <ref> [--json]

One rejected record whole: its DLQ coordinates, the original body, the decoded maintenance
context, the sender's identity, every reason (rule id, JSON pointer, message), and its replays.`,
  stats: `Usage: airlock-dlq stats [filters]

Counts of rejected records by rule id, error code, route, stage, day and sender.
${FILTER_HELP}`,
  replay: `Usage: airlock-dlq replay (<ref>... | [filters]) --reason TEXT --token-file FILE [options]

Re-checks each selected record against today's schemas, rules and routing table and reports
which would now pass and which would fail again, and why (a dry run: nothing is published).
With --execute, the records that pass are published again on the ingress topic with
airlock-source: replay and airlock-replay-* headers, and go through validation again; every replay
is written to the replay-audit topic in the same transaction. Run the same command again after
an interruption: what was replayed is refused as already replayed, the rest goes on.

  --reason TEXT         why (mandatory; recorded in the audit and the record's headers)
  --token-file FILE     the operator's access token (role compliance_auditor); - reads stdin
  --cert FILE, --key FILE
                        the operator's client certificate and key (PEM), when the token is
                        bound to a certificate (cnf); the key proves possession
  --execute             publish; without it, a dry run
  --patch FILE          a JSON Merge Patch (RFC 7396) applied to every selected record's body
  --patch-map FILE      a JSON object {"<ref>": <merge patch>, ...}: one patch per record
  --force               replay records already replayed (needs --force-reason)
  --force-reason TEXT   why they are replayed again
  --rate N              records per second (default and maximum: AIRLOCK_DLQ_MAX_RATE)
  --no-wait             do not wait for the pipeline's verdict (AIRLOCK_DLQ_OUTCOME_WAIT_MS)
${FILTER_HELP}`,
};

function help(io: Io, topic: string): number {
  io.out(HELP[topic] ?? HELP.main ?? '');
  return EXIT.ok;
}

const COMMANDS: Record<string, (ctx: Context, args: string[]) => Promise<number>> = {
  list,
  show,
  stats: statsCommand,
  replay,
};

/** Runs one command; resolves to the exit status. Never throws. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return help(io, 'main');
  const run = COMMANDS[command];
  if (!run) {
    io.err(`unknown command "${command}"\n\n${HELP.main}\n`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) return help(io, command);
  let config: Config;
  try {
    config = loadConfig(env, 'dlq-replayer');
  } catch (err) {
    io.err(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
  // kafkajs and library warnings go to stderr as JSON lines, away from the tool's output.
  const logger = createLogger(
    { log: { level: config.log.level === 'info' ? 'warn' : config.log.level } },
    'dlq-replayer',
    2,
  );
  const kafka = createKafka(config, logger, 'dlq-replayer');
  const registry = createRegistry(config);
  let provisioned: Promise<void> | undefined;
  const ready = () => {
    provisioned ??= ensureTopics(kafka, config, logger);
    return provisioned;
  };
  try {
    return await run({ config, logger, kafka, registry, io, ready }, args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n(airlock-dlq ${command} --help)\n`);
      return EXIT.usage;
    }
    if (err instanceof AirlockError) {
      io.err(`${err.code}: ${err.message}\n`);
      return ['UNAUTHENTICATED', 'ROLE_FORBIDDEN', 'CLIENT_CERT_NOT_ALLOWED'].includes(err.code)
        ? EXIT.refused
        : EXIT.failed;
    }
    io.err(`failed: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.failed;
  }
}
