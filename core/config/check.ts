/**
 * `airlock config check` (issue #15 §6/§7): validates the configuration a stage would load from an
 * environment, and prints it whole, defaults filled in, with what could be a secret masked. Airlock
 * keeps secrets in files (their paths are settings, their contents never are), so the one place a
 * secret can sit in a value is a URL's user information (`redis://:password@host`): masked.
 */
import { STAGE_NAMES, type StageName } from '../stage/names.ts';
import { ENVIRONMENTS } from './file.ts';
import { ConfigError, loadConfig, maskProblem } from './load.ts';

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

export function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlSecrets(value);
  if (Array.isArray(value)) return value.map(masked);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value;
}

export const CONFIG_CHECK_HELP = `airlock config check — validate the configuration a stage would start with

Usage: airlock config check [--file <airlock.yaml>] [--env <${ENVIRONMENTS.join('|')}>]
                            [--stage <${STAGE_NAMES.join('|')}>] [--json]

Reads the configuration as the stage would (docs/configuration.md): the file (--file, else
AIRLOCK_CONFIG_FILE) with its overlay (--env, else AIRLOCK_ENV), then the AIRLOCK_* environment over
it. Validates it whole and prints the effective configuration, defaults filled in, URL passwords
masked. Exit 0 when valid; 1 with every problem listed, each with its variable or its path in the
file, when not; 2 on a usage error.
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
  const chosen: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    if (a === '--json') json = true;
    else if (a === '--stage' && STAGE_NAMES.includes(next as StageName)) stage = args[++i] as StageName;
    else if (a === '--file' && next !== undefined && !next.startsWith('--'))
      chosen.AIRLOCK_CONFIG_FILE = next;
    else if (a === '--env' && next !== undefined && !next.startsWith('--')) chosen.AIRLOCK_ENV = next;
    else {
      io.err(
        `airlock config check: unexpected ${a === '--stage' ? `stage ${next ?? '(none)'}` : a}\n${CONFIG_CHECK_HELP}`,
      );
      return 2;
    }
    if (a === '--file' || a === '--env') i++;
  }
  const effectiveEnv = { ...env, ...chosen };
  const file = effectiveEnv.AIRLOCK_CONFIG_FILE;
  const what = `configuration of the ${stage} stage${file ? ` (${file}${effectiveEnv.AIRLOCK_ENV ? `, environment ${effectiveEnv.AIRLOCK_ENV}` : ''})` : ''}`;
  try {
    const effective = masked(loadConfig(effectiveEnv, stage));
    io.out(json ? JSON.stringify(effective) : `${what}: valid\n${JSON.stringify(effective, null, 2)}`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`${what}: invalid\n${err.problems.map((p) => `  - ${maskProblem(p)}`).join('\n')}\n`);
    return 1;
  }
}
