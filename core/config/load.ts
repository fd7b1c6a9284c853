/**
 * Loads the configuration: environment variables (read only by each stage's entry file) are parsed
 * by their kind, validated whole against the schema once at start-up, and frozen.
 */

import type { StageName } from '../stage/names.ts';
import { ENV_VARS, envNameFor, isReservedEnvName, RENAMED_ENV } from './env.ts';
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

function deepFreeze<T>(value: T): T {
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
  const raw: Record<string, unknown> = { kafka: {}, registry: {}, redis: {}, topics: {}, ingress: {} };
  raw.rules = {};
  raw.edge = {};
  raw.tls = {};
  raw.jwt = {};
  raw.validators = {};
  raw.router = {};
  raw.dlq = {};
  raw.log = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('AIRLOCK_') || value === undefined || isReservedEnvName(name)) continue;
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
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      const env = envNameFor(path);
      problems.push(`${env ?? path.join('.')} (${path.join('.')}): ${issue.message}`);
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
