/**
 * Loads the configuration: environment variables (read only by each stage's entry file) are parsed
 * by their kind, validated whole against the schema once at start-up, and frozen.
 */

import type { StageName } from '../stage/names.ts';
import { ENV_VARS, envNameFor, FILE_ENV, isReservedEnvName, RENAMED_ENV } from './env.ts';
import { ConfigFileError, type FileLayer, overlay, readConfigFile } from './file.ts';
import { type Config, configSchema } from './schema.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

function parseValue(name: string, kind: string, raw: string): unknown {
  switch (kind) {
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    case 'number': {
      if (!/^-?\d+(\.\d+)?$/.test(raw.trim()))
        throw new ConfigError([`${name}: expected a number, got "${raw}"`]);
      return Number(raw.trim());
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError([`${name}: expected an integer, got "${raw}"`]);
      return Number(raw.trim());
    }
    case 'json': {
      try {
        return JSON.parse(raw);
      } catch {
        throw new ConfigError([`${name}: expected JSON`]);
      }
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw new ConfigError([`${name}: expected true or false, got "${raw}"`]);
    }
    default:
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

/** Freezes a value and everything in it (the configuration, and a reload's next one). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Builds the configuration from an environment (pass `process.env`), and validates it whole. `stage`
 * is the process that loads it (`tool` for scripts): settings only one stage needs are required by it alone.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  stage: StageName | 'tool',
): Config {
  const problems: string[] = [];
  // airlock.yaml (AIRLOCK_CONFIG_FILE) and its overlay (AIRLOCK_ENV) first; the environment overrides.
  let layer: FileLayer | undefined;
  const file = env.AIRLOCK_CONFIG_FILE;
  if (file !== undefined && file !== '') {
    try {
      layer = readConfigFile(file, env.AIRLOCK_ENV, env);
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      throw new ConfigError(err.problems);
    }
  }
  const sections = ['kafka', 'registry', 'redis', 'topics', 'ingress', 'rules', 'edge', 'tls', 'jwt'];
  sections.push('validators', 'router', 'dlq', 'log', 'tracing', 'accessAudit');
  const raw = overlay(Object.fromEntries(sections.map((s) => [s, {}])), layer?.raw ?? {});
  /** Configuration paths the environment set, with the variable that set each. */
  const fromEnv: [string, string][] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('AIRLOCK_') || value === undefined || isReservedEnvName(name)) continue;
    if ((FILE_ENV as readonly string[]).includes(name)) continue;
    const spec = ENV_VARS[name];
    if (!spec) {
      const renamed = RENAMED_ENV[name];
      problems.push(
        renamed
          ? `${name}: renamed to ${renamed}; set that instead`
          : `${name}: unknown setting; see docs/configuration.md for the list`,
      );
      continue;
    }
    try {
      setPath(raw, spec.path, parseValue(name, spec.kind, value));
      fromEnv.push([spec.path.join('.'), name]);
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // An unknown key is named by its own path (zod gives its parent's and the keys).
      const each =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => ({ path: [...issue.path.map(String), k], message: 'unknown setting' }))
          : [{ path: issue.path.map(String), message: issue.message }];
      for (const { path, message } of each) {
        const key = path.join('.');
        const setBy = fromEnv.find(([p]) => key === p || key.startsWith(`${p}.`))?.[1];
        if (setBy !== undefined || layer === undefined)
          problems.push(`${setBy ?? envNameFor(path) ?? key} (${key}): ${message}`);
        else problems.push(`${layer.originOf(path)}: ${key || '(top)'}: ${message}`);
      }
    }
  }
  if (parsed.success && stage !== 'edge') {
    if (parsed.data.kafka.brokers === undefined) problems.push('AIRLOCK_KAFKA_BROKERS: required');
    if (parsed.data.registry.url === undefined) problems.push('AIRLOCK_REGISTRY_URL: required');
  }
  if (parsed.success && stage === 'edge') {
    const e = parsed.data.edge;
    const need: [unknown, string][] = [
      [e.stationId, 'AIRLOCK_EDGE_STATION_ID'],
      [e.dataDir, 'AIRLOCK_EDGE_DATA_DIR'],
      [e.dataKeyFile, 'AIRLOCK_EDGE_DATA_KEY_FILE'],
      [e.signerKeysFile, 'AIRLOCK_EDGE_SIGNER_KEYS_FILE'],
      [e.centralUrl, 'AIRLOCK_EDGE_CENTRAL_URL'],
      [e.centralCaFile, 'AIRLOCK_EDGE_CENTRAL_CA_FILE'],
      [e.clientCertFile, 'AIRLOCK_EDGE_CLIENT_CERT_FILE'],
      [e.clientKeyFile, 'AIRLOCK_EDGE_CLIENT_KEY_FILE'],
      [e.tokenFile, 'AIRLOCK_EDGE_TOKEN_FILE'],
      [parsed.data.tls.certFile, 'AIRLOCK_TLS_CERT_FILE'],
      [parsed.data.tls.keyFile, 'AIRLOCK_TLS_KEY_FILE'],
      [parsed.data.tls.clientCaFile, 'AIRLOCK_TLS_CLIENT_CA_FILE'],
    ];
    for (const [value, name] of need)
      if (value === undefined) problems.push(`${name}: required by the edge station`);
  }
  if (parsed.success && stage === 'ingress' && parsed.data.ingress.authMode === 'mtls-jwt') {
    const d = parsed.data;
    const need: [unknown, string][] = [
      [d.tls.certFile, 'AIRLOCK_TLS_CERT_FILE'],
      [d.tls.keyFile, 'AIRLOCK_TLS_KEY_FILE'],
      [d.tls.clientCaFile, 'AIRLOCK_TLS_CLIENT_CA_FILE'],
    ];
    // One issuer (AIRLOCK_JWT_ISSUER, _AUDIENCE, _JWKS_URL|_FILE) or a list (AIRLOCK_JWT_ISSUERS).
    const single = [d.jwt.issuer, d.jwt.audience, d.jwt.jwksUrl, d.jwt.jwksFile].some((v) => v !== undefined);
    if (d.jwt.issuers !== undefined && single) {
      problems.push(
        'AIRLOCK_JWT_ISSUERS: set together with AIRLOCK_JWT_ISSUER/_AUDIENCE/_JWKS_URL/_JWKS_FILE; name every issuer in the list instead',
      );
    } else if (d.jwt.issuers === undefined) {
      need.push([d.jwt.issuer, 'AIRLOCK_JWT_ISSUER'], [d.jwt.audience, 'AIRLOCK_JWT_AUDIENCE']);
      if ((d.jwt.jwksFile === undefined) === (d.jwt.jwksUrl === undefined)) {
        problems.push(
          'AIRLOCK_JWT_JWKS_URL or AIRLOCK_JWT_JWKS_FILE: exactly one is required with mtls-jwt (or AIRLOCK_JWT_ISSUERS)',
        );
      }
    }
    for (const [value, name] of need) {
      if (value === undefined) problems.push(`${name}: required when AIRLOCK_INGRESS_AUTH_MODE=mtls-jwt`);
    }
    const { identityPolicy, identityMap } = d.ingress;
    const mapped = Object.keys(identityMap ?? {}).length > 0;
    if (identityPolicy.includes('map') && !mapped)
      problems.push(
        `AIRLOCK_INGRESS_IDENTITY_MAP: required (non-empty) with AIRLOCK_INGRESS_IDENTITY_POLICY=${identityPolicy}`,
      );
    if (!identityPolicy.includes('map') && identityMap !== undefined)
      problems.push(
        'AIRLOCK_INGRESS_IDENTITY_MAP: set, but AIRLOCK_INGRESS_IDENTITY_POLICY=cnf does not use it (choose map or cnf+map)',
      );
    // The keys that decide who may write maintenance records are fetched over TLS, or not at all.
    const urls: [string | undefined, string][] = d.jwt.issuers
      ? d.jwt.issuers.map((i, n) => [i.jwksUrl, `AIRLOCK_JWT_ISSUERS (jwt.issuers.${n}.jwksUrl)`])
      : [[d.jwt.jwksUrl, 'AIRLOCK_JWT_JWKS_URL']];
    for (const [url, name] of urls) {
      if (url === undefined || new URL(url).protocol === 'https:') continue;
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
      if (!(loopback && d.jwt.allowLoopbackHttpJwks))
        problems.push(
          `${name}: must be https (AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS=true allows http on a loopback address, for development only)`,
        );
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(parsed.data);
}

/** A problem's text with any URL password in it masked. */
export const maskProblem = (text: string): string => text.replace(/(\/\/[^\s/:@]*:)[^\s/@]+@/g, '$1***@');

/**
 * loadConfig for a stage's entry file: an invalid configuration is printed, every problem on its own
 * line (URL passwords masked), and the process exits 78 (EX_CONFIG) instead of dying with a stack.
 */
export function loadConfigOrExit(
  env: Readonly<Record<string, string | undefined>>,
  stage: StageName,
): Config {
  try {
    return loadConfig(env, stage);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.problems.map((p) => `  - ${maskProblem(p)}`);
    process.stderr.write(`${stage}: invalid configuration (docs/configuration.md):\n${lines.join('\n')}\n`);
    process.exit(78);
  }
}
