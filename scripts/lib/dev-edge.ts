/**
 * A development edge station's files (`npm run edge`, `npm run demo:edge`), made once in
 * `<stack dir>/edge`: a data key, a development tablet's ES256 signing key and the signer registry
 * holding its public key, and a station token (role edge_station, bound to the development
 * client-edge_station certificate). Development only: a real station gets its keys from its operator.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ensureDevPki, mintDevToken } from './dev-identity.ts';
import { stackDir } from './stack-env.ts';

export const DEV_TABLET_KID = 'dev-tablet-1';

export async function ensureDevEdge(centralUrl: string, env: NodeJS.ProcessEnv = process.env) {
  const pki = ensureDevPki(env);
  const dir = `${stackDir(env)}/edge`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(`${dir}/data-keys.json`))
    writeFileSync(
      `${dir}/data-keys.json`,
      JSON.stringify({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }),
      {
        mode: 0o600,
      },
    );
  if (!existsSync(`${dir}/tablet.key`)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(`${dir}/tablet.key`, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid: DEV_TABLET_KID, alg: 'ES256' };
    writeFileSync(`${dir}/signers.json`, `${JSON.stringify({ keys: [jwk], revoked: [] }, null, 2)}\n`);
  }
  // A fresh station token on every start (development tokens live 50 minutes).
  const token = await mintDevToken(pki, 'edge_station', {
    ttlSeconds: 3000,
    subject: 'station-dev',
    bindCertPem: readFileSync(`${pki}/client-edge_station.crt`, 'utf8'),
  });
  writeFileSync(`${dir}/station.jwt`, token, { mode: 0o600 });
  return {
    dir,
    pki,
    tabletKeyFile: `${dir}/tablet.key`,
    env: stationEnv({ stationId: 'dev', dir, pki, centralUrl }),
  };
}

/** A station's environment: its files in `dir` (data in `dir/data`), the development PKI's certificates. */
export function stationEnv(o: {
  stationId: string;
  dir: string;
  pki: string;
  centralUrl: string;
}): Record<string, string> {
  return {
    AIRLOCK_EDGE_STATION_ID: o.stationId,
    AIRLOCK_EDGE_DATA_DIR: `${o.dir}/data`,
    AIRLOCK_EDGE_DATA_KEY_FILE: `${o.dir}/data-keys.json`,
    AIRLOCK_EDGE_SIGNER_KEYS_FILE: `${o.dir}/signers.json`,
    AIRLOCK_EDGE_CENTRAL_URL: o.centralUrl,
    AIRLOCK_EDGE_CENTRAL_CA_FILE: `${o.pki}/ca.crt`,
    AIRLOCK_EDGE_CLIENT_CERT_FILE: `${o.pki}/client-edge_station.crt`,
    AIRLOCK_EDGE_CLIENT_KEY_FILE: `${o.pki}/client-edge_station.key`,
    AIRLOCK_EDGE_TOKEN_FILE: `${o.dir}/station.jwt`,
    AIRLOCK_TLS_CERT_FILE: `${o.pki}/server.crt`,
    AIRLOCK_TLS_KEY_FILE: `${o.pki}/server.key`,
    AIRLOCK_TLS_CLIENT_CA_FILE: `${o.pki}/ca.crt`,
  };
}
