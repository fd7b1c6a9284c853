/**
 * An edge station for the integration tests: its files (data key, signer registry, station token),
 * signed items, and the station as a real process (edge/main.ts) that can be SIGKILLed and started
 * again on the same data folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { signedBytes } from '../../edge/signature.ts';
import { stationEnv } from '../../scripts/lib/dev-edge.ts';
import { ensureDevPki, mintDevToken } from '../../scripts/lib/dev-identity.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { freePort } from './wait.ts';

type Key = Parameters<CompactSign['sign']>[0];

export interface Signer {
  kid: string;
  key: Key;
}

export interface EdgeFiles {
  dir: string;
  dataDir: string;
  signers: { tablet: Signer; other: Signer; revoked: Signer };
  env: Record<string, string>;
}

/** A station's files in a fresh folder; `centralUrl` is the central ingress it syncs to. */
export async function edgeFiles(
  centralUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<EdgeFiles> {
  const pki = ensureDevPki();
  const dir = mkdtempSync(`${tmpdir()}/airlock-edge-`);
  const signer = async (kid: string): Promise<{ s: Signer; jwk: object }> => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    return {
      s: { kid, key: pair.privateKey },
      jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256' },
    };
  };
  const tablet = await signer('tablet-7');
  const other = await signer('tablet-8');
  const revoked = await signer('tablet-lost');
  // tablet-8 signs, but only tablet-7 and tablet-lost are registered (tablet-lost as revoked).
  writeFileSync(
    `${dir}/signers.json`,
    JSON.stringify({ keys: [tablet.jwk, revoked.jwk], revoked: ['tablet-lost'] }),
  );
  writeFileSync(
    `${dir}/data-keys.json`,
    JSON.stringify({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }),
    { mode: 0o600 },
  );
  const token = await mintDevToken(pki, 'edge_station', {
    ttlSeconds: 3000,
    bindCertPem: readFileSync(`${pki}/client-edge_station.crt`, 'utf8'),
    subject: 'station-lhr-7',
  });
  writeFileSync(`${dir}/station.jwt`, token);
  const port = await freePort();
  return {
    dir,
    dataDir: `${dir}/data`,
    signers: { tablet: tablet.s, other: other.s, revoked: revoked.s },
    env: {
      ...stationEnv({ stationId: 'lhr-7', dir, pki, centralUrl }),
      AIRLOCK_EDGE_PORT: String(port),
      AIRLOCK_SHUTDOWN_GRACE_MS: '5000',
      ...extraEnv,
    },
  };
}

/** A signed item for POST /edge/queue. */
export async function signedItem(
  signer: Signer,
  route: string,
  context: Record<string, string>,
  record: unknown,
  capturedAt = new Date().toISOString(),
) {
  const fields = { route, context, record, captured_at: capturedAt };
  const signature = await new CompactSign(signedBytes(fields))
    .setProtectedHeader({ alg: 'ES256', kid: signer.kid })
    .sign(signer.key);
  return { ...fields, signature };
}

export interface EdgeProcess {
  url: string;
  output(): string;
  kill(): Promise<void>;
  stop(): Promise<number | null>;
}

/** Starts edge/main.ts and resolves once it logged `lifecycle ready`. */
export function startEdge(files: EdgeFiles): Promise<EdgeProcess> {
  const lines: string[] = [];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('AIRLOCK_')) env[k] = v;
  const child: ChildProcess = spawn(process.execPath, [`${ROOT}edge/main.ts`], {
    env: { ...env, ...files.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = () => lines.slice(-40).join('\n');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`edge not ready within 30 s:\n${output()}`)), 30_000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        lines.push(line);
        if (lines.length > 400) lines.shift();
        if (line.includes('"msg":"lifecycle ready"')) {
          clearTimeout(timer);
          resolve({
            url: `https://127.0.0.1:${files.env.AIRLOCK_EDGE_PORT}`,
            output,
            async kill() {
              child.kill('SIGKILL');
              await exited;
            },
            async stop() {
              child.kill('SIGTERM');
              return exited;
            },
          });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`edge exited with code ${code} during start-up:\n${output()}`));
    });
  });
}
