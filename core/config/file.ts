/**
 * `airlock.yaml` (issue #15 §6): the whole configuration in one reviewable file, with overlays per
 * environment, read before the environment (which still overrides, for containers). The file has
 * the configuration's own shape (core/config/schema.ts, the keys of docs/configuration.md's
 * example), and the same strict schema validates it: an unknown key is an error with its path, in an
 * overlay too. Secrets never sit in the file: a string may name an environment variable as
 * `${NAME}` (`$${` is a literal `${`), and a URL with a literal password is refused.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { configSchema } from './schema.ts';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** The file's settings, and where each came from (for error messages). */
export interface FileLayer {
  raw: Record<string, unknown>;
  /** The origin of a configuration path: `airlock.yaml`, or `airlock.yaml (environments.production)`. */
  originOf: (path: readonly string[]) => string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
}
const WRAPPERS = new Set(['optional', 'default', 'nullable', 'readonly', 'prefault', 'catch']);

/** The schema's node at a path, wrappers (optional, default, transforms) removed; undefined when none. */
function nodeAt(path: readonly string[]): Def | undefined {
  let def: Def | undefined = (configSchema as unknown as { _zod: { def: Def } })._zod.def;
  for (let i = 0; ; i++) {
    while (def && (WRAPPERS.has(def.type) || def.type === 'pipe')) def = (def.innerType ?? def.in)?._zod.def;
    if (def === undefined || i === path.length) return def;
    const key = path[i] as string;
    if (def.type === 'object') def = def.shape?.[key]?._zod.def;
    else if (def.type === 'record') def = def.valueType?._zod.def;
    else if (def.type === 'array' && /^\d+$/.test(key)) def = def.element?._zod.def;
    else return undefined;
  }
}

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('; '));
    this.problems = problems;
  }
}

/** A plain mapping (not a list, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keys an overlay names that the schema does not have (the merged file reports the others). */
function unknownKeys(value: unknown, path: string[], out: string[][]): void {
  if (!isObject(value)) return;
  const def = nodeAt(path);
  if (def?.type !== 'object' && def?.type !== 'record') return;
  for (const [k, v] of Object.entries(value)) {
    if (def.type === 'object' && !(k in (def.shape ?? {}))) out.push([...path, k]);
    else unknownKeys(v, [...path, k], out);
  }
}

/** Objects merge key by key; a list or a scalar replaces; `null` removes the key (back to its default). */
export function overlay(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = overlay(out[k] as Record<string, unknown>, v);
    else out[k] = v;
  }
  return out;
}

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A URL whose user information carries a literal password (not a `${NAME}` reference). */
const literalPassword = (s: string) => /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:(?!\$\{)[^/@\s]+@/i.test(s);

/**
 * `${NAME}` replaced by the environment's value. A string that is one reference takes the type its
 * place in the schema has (a port from `${PORT}` is a number, a broker list from `${BROKERS}` a list).
 */
function substitute(
  value: Json,
  path: string[],
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, [...path, String(i)], env, problems));
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v as Json, [...path, k], env, problems)]),
    );
  if (typeof value !== 'string') return value;
  const where = path.join('.');
  if (literalPassword(value)) {
    problems.push(
      `${where}: a password in the file; name it from the environment, e.g. redis://:\${REDIS_PASSWORD}@host`,
    );
    return value;
  }
  let missing = false;
  const text = value.replace(REF, (_m, name: string | undefined) => {
    if (name === undefined) return '${';
    const v = env[name];
    if (v === undefined) {
      problems.push(`${where}: \${${name}} is not set in the environment`);
      missing = true;
      return '';
    }
    return v;
  });
  if (missing || text === value || !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) return text;
  switch (nodeAt(path)?.type) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'array':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    default:
      return text;
  }
}

/**
 * Reads `file` and applies its overlay for `environment` (when given; an environment the file has no
 * overlay for is just the base). Throws ConfigFileError with every problem, each with its path.
 */
export function readConfigFile(
  file: string,
  environment: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): FileLayer {
  const label = file.split('/').at(-1) ?? file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError([`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`]);
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0)
    throw new ConfigFileError(doc.errors.map((e) => `${label}: ${e.message.split('\n')[0]}`));
  const parsed = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (parsed !== null && parsed !== undefined && !isObject(parsed))
    throw new ConfigFileError([`${label}: expected a mapping of settings at the top`]);
  const { environments, ...base } = (parsed ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (environment !== undefined && !(ENVIRONMENTS as readonly string[]).includes(environment))
    problems.push(`AIRLOCK_ENV: expected one of ${ENVIRONMENTS.join(', ')}, got "${environment}"`);
  if (environments !== undefined && !isObject(environments))
    problems.push(`${label}: environments: expected a mapping of ${ENVIRONMENTS.join(', ')}`);
  const overlays = isObject(environments) ? environments : {};
  for (const [name, over] of Object.entries(overlays)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
      problems.push(`${label}: environments.${name}: unknown environment (${ENVIRONMENTS.join(', ')})`);
    } else if (over !== null && !isObject(over)) {
      problems.push(`${label}: environments.${name}: expected a mapping of settings`);
    } else {
      const unknown: string[][] = [];
      unknownKeys(over, [], unknown);
      for (const p of unknown)
        problems.push(`${label}: environments.${name}.${p.join('.')}: unknown setting`);
    }
  }
  const chosen = environment === undefined ? undefined : overlays[environment];
  const merged = isObject(chosen) ? overlay(base, chosen) : base;
  const raw = substitute(merged as Json, [], env, problems) as Record<string, unknown>;
  if (problems.length > 0) throw new ConfigFileError(problems);
  const inOverlay = (path: readonly string[]) => {
    let node: unknown = chosen;
    for (const k of path) {
      if (!isObject(node) || !(k in node)) return false;
      node = node[k];
    }
    return true;
  };
  return {
    raw,
    originOf: (path) =>
      environment !== undefined && path.length > 0 && inOverlay(path)
        ? `${label} (environments.${environment})`
        : label,
  };
}
