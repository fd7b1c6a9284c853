/**
 * `airlock config check` (issue #15 §6/§7): validates the configuration a stage would load from an
 * environment, and prints it whole, defaults filled in, with what could be a secret masked. Airlock
 * keeps secrets in files (their paths are settings, their contents never are), so the one place a
 * secret can sit in a value is a URL's user information (`redis://:password@host`): masked.
 */
import { STAGE_NAMES, type StageName } from '../stage/names.ts';
import { ConfigError, loadConfig } from './load.ts';

const MASK = '***';

/** A URL's password (and a user name beside it) replaced by `***`; any other string unchanged. */
export function maskUrlSecrets(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const u = new URL(value);
    if (u.password === '' && u.username === '') return value;
    if (u.password !== '') u.password = MASK;
    else u.username = MASK;
    return u.toString();
  } catch {
    return value;
  }
}

function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlSecrets(value);
  if (Array.isArray(value)) return value.map(masked);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value;
}

export const CONFIG_CHECK_HELP = `airlock config check — validate the configuration a stage would start with

Usage: airlock config check [--stage <${STAGE_NAMES.join('|')}>] [--json]

Reads the AIRLOCK_* environment as the stage would (docs/configuration.md), validates it whole and
prints the effective configuration, defaults filled in, URL passwords masked. Exit 0 when valid;
1 with every problem listed, each with its variable, when not; 2 on a usage error.
`;

export interface CheckIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs `airlock config check <args>`; returns the exit code. */
export function runConfigCheck(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CheckIo,
): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(CONFIG_CHECK_HELP);
    return 0;
  }
  let stage: StageName = 'ingress';
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--stage' && STAGE_NAMES.includes(args[i + 1] as StageName))
      stage = args[++i] as StageName;
    else {
      io.err(
        `airlock config check: unexpected ${a === '--stage' ? `stage ${args[i + 1] ?? '(none)'}` : a}\n${CONFIG_CHECK_HELP}`,
      );
      return 2;
    }
  }
  try {
    const effective = masked(loadConfig(env, stage));
    io.out(
      json
        ? JSON.stringify(effective)
        : `configuration of the ${stage} stage: valid\n${JSON.stringify(effective, null, 2)}`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(
      `configuration of the ${stage} stage: invalid\n${err.problems.map((p) => `  - ${p.replace(/(\/\/[^\s/:@]*:)[^\s/@]+@/g, `$1${MASK}@`)}`).join('\n')}\n`,
    );
    return 1;
  }
}
