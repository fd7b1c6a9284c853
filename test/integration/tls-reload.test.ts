/**
 * TLS material reloads without a restart: a new server certificate written over the configured
 * file is served to the next connection (file watch), and SIGHUP reloads too; requests keep working.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { ensureDevPki } from '../../scripts/lib/dev-identity.ts';
import { httpsCall } from '../support/https.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { issueCert } from '../support/pki.ts';
import { services } from '../support/services.ts';

function servedFingerprint(url: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: hostname,
        port: Number(port),
        ca: execFileSync('cat', [ca]),
        servername: 'localhost',
        rejectUnauthorized: false,
      },
      () => {
        const fp = socket.getPeerCertificate().fingerprint256;
        socket.end();
        resolve(fp);
      },
    );
    socket.on('error', reject);
  });
}

const issueServerCert = (pki: string, dir: string, name: string) =>
  issueCert(
    pki,
    dir,
    name,
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth',
  );

describe('TLS reload without restart', () => {
  let p: Pipeline;
  const dir = mkdtempSync(`${tmpdir()}/airlock-tls-`);
  before(async () => {
    const pki = ensureDevPki();
    copyFileSync(`${pki}/server.crt`, `${dir}/server.crt`);
    copyFileSync(`${pki}/server.key`, `${dir}/server.key`);
    p = await startPipeline(await services(), ['ingress'], {
      AIRLOCK_TLS_CERT_FILE: `${dir}/server.crt`,
      AIRLOCK_TLS_KEY_FILE: `${dir}/server.key`,
    });
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a new certificate after the files change, and after SIGHUP', async () => {
    const ca = `${p.pki}/ca.crt`;
    const first = await servedFingerprint(p.url, ca);

    issueServerCert(p.pki, dir, 'next');
    copyFileSync(`${dir}/next.key`, `${dir}/server.key`);
    copyFileSync(`${dir}/next.crt`, `${dir}/server.crt`);
    let second = first;
    for (let i = 0; i < 50 && second === first; i++) {
      await new Promise((r) => setTimeout(r, 100));
      second = await servedFingerprint(p.url, ca);
    }
    assert.notEqual(second, first, `still serving the old certificate\n${p.output('ingress')}`);
    assert.equal((await httpsCall(p.pki, `${p.url}/health/live`)).status, 200);

    issueServerCert(p.pki, dir, 'third');
    // SIGHUP reloads as well (the file watch may get there first: either way the new certificate
    // must be served, and the log must show the reload).
    copyFileSync(`${dir}/third.key`, `${dir}/server.key`);
    copyFileSync(`${dir}/third.crt`, `${dir}/server.crt`);
    p.signal('ingress', 'SIGHUP');
    await new Promise((r) => setTimeout(r, 500));
    const third = await servedFingerprint(p.url, ca);
    assert.notEqual(third, second);
    assert.match(p.output('ingress'), /TLS material reloaded/);
  });
});
