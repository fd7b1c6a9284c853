/**
 * Certificates and connections a hostile review found accepted (issue #12 §7–§10), against the real
 * ingress over mutual TLS with the real Kafka and Redis. Certificates and CRLs are made here with
 * openssl by the development CA; every refusal asserts its status or failed handshake, the problem
 * body, and that nothing was published.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ensureDevPki, mintDevToken } from '../../scripts/lib/dev-identity.ts';
import { type CallOptions, httpsCall, postRecord, tokenFor } from '../support/https.ts';
import { committedCount, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { crlAuthority, issueCert } from '../support/pki.ts';
import { type Services, services } from '../support/services.ts';
import { until } from '../support/wait.ts';

const post = (p: Pipeline, token: string, opts: CallOptions = {}) => postRecord(p.pki, p.url, token, opts);

/** Records committed to the ingress topic (read_committed: markers and aborted records excluded). */
const published = (s: Services, p: Pipeline) => committedCount(testKafka(s), p.topics.ingress);

const metric = async (p: Pipeline, name: string) => {
  const text = (await httpsCall(p.pki, `${p.url}/metrics`)).text;
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('ingress certificates under the default policy (cnf), CRL, TLS reloads', () => {
  let s: Services;
  let p: Pipeline;
  const dir = mkdtempSync(`${tmpdir()}/airlock-certs-`);
  const pki = ensureDevPki();
  const authority = crlAuthority(pki, dir);

  before(async () => {
    s = await services();
    copyFileSync(`${pki}/ca.crt`, `${dir}/client-ca.crt`);
    authority.crl();
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_TLS_CLIENT_CA_FILE: `${dir}/client-ca.crt`,
      AIRLOCK_TLS_CRL_FILE: `${dir}/crl.pem`,
      AIRLOCK_INGRESS_CONNECTION_MAX_AGE_MS: '3000',
    });
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an unbound token is refused whatever certificate carries it (§7, default policy cnf)', async () => {
    const unbound = await mintDevToken(p.pki, 'certifying_staff');
    const res = await post(p, unbound);
    assert.equal(res.status, 401, res.text);
    assert.match(res.json<{ detail: string }>().detail, /not bound to a client certificate/);
    assert.equal(await published(s, p), 0);
  });

  it('a client leaf with basicConstraints CA:TRUE is refused with 403 (§10)', async () => {
    const files = issueCert(
      pki,
      dir,
      'ca-leaf',
      '/O=Airlock development/OU=certifying_staff/CN=ca-leaf',
      'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign\nsubjectAltName=URI:urn:airlock:dev:ca-leaf',
    );
    const token = await mintDevToken(p.pki, 'certifying_staff', {
      bindCertPem: readFileSync(files.cert, 'utf8'),
    });
    const res = await post(p, token, { certFiles: files });
    assert.equal(res.status, 403, res.text);
    const problem = res.json<{ code: string; detail: string }>();
    assert.equal(problem.code, 'CLIENT_CERT_NOT_ALLOWED');
    assert.match(problem.detail, /CA:TRUE/);
    assert.equal(await published(s, p), 0);
  });

  it('TLS 1.2 without ECDHE and AEAD is refused at the handshake; ECDHE-GCM is accepted (§10)', async () => {
    const tls12 = (ciphers: string) =>
      httpsCall(p.pki, `${p.url}/health/live`, { tls: { maxVersion: 'TLSv1.2', ciphers } });
    for (const cbc of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-SHA256'])
      await assert.rejects(tls12(cbc), /handshake|cipher|alert|ECONNRESET/i, cbc);
    assert.equal((await tls12('ECDHE-ECDSA-AES128-GCM-SHA256')).status, 200);
    assert.equal((await tls12('ECDHE-ECDSA-CHACHA20-POLY1305')).status, 200);
  });

  it('a connection older than its maximum age is closed by its next response (§8)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await httpsCall(p.pki, `${p.url}/health/live`, { agent });
      assert.notEqual(first.headers.connection, 'close');
      await new Promise((r) => setTimeout(r, 3200));
      const aged = await httpsCall(p.pki, `${p.url}/health/live`, { agent });
      assert.equal(aged.status, 200);
      assert.equal(aged.headers.connection, 'close');
    } finally {
      agent.destroy();
    }
  });

  it('unusable TLS material is refused on reload: the old is kept, /health/ready and a metric say so (§9)', async () => {
    const good = readFileSync(`${dir}/client-ca.crt`);
    const failedBefore = (await metric(p, 'airlock_ingress_tls_reloads_total{outcome="failed"}')) ?? 0;
    for (const [name, content] of [
      ['empty', ''],
      ['malformed', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n'],
      ['not a CA', readFileSync(`${pki}/client-certifying_staff.crt`, 'utf8')],
    ] as const) {
      writeFileSync(`${dir}/client-ca.crt`, content);
      await until(`${name}: the reload is refused`, async () => {
        const ready = await httpsCall(p.pki, `${p.url}/health/ready`);
        const body = ready.json<{ tls_reload?: { last: string; error: string } }>();
        return body.tls_reload?.last === 'failed' && ready.status === 200;
      });
      assert.equal(await metric(p, 'airlock_ingress_tls_reload_failing'), 1, name);
      // Still served with the previous material: a new connection is accepted and publishes.
      const res = await post(p, await tokenFor(p.pki, 'certifying_staff'));
      assert.equal(res.status, 202, `${name}: ${res.text}`);
      // Back to good material (the next case starts from a successful reload).
      writeFileSync(`${dir}/client-ca.crt`, good);
      await until(`${name}: the good material reloads`, async () => {
        const body = (await httpsCall(p.pki, `${p.url}/health/ready`)).json<{
          tls_reload?: { last: string };
        }>();
        return body.tls_reload?.last === 'ok';
      });
    }
    assert.equal(await metric(p, 'airlock_ingress_tls_reload_failing'), 0);
    assert.ok(
      ((await metric(p, 'airlock_ingress_tls_reloads_total{outcome="failed"}')) ?? 0) >= failedBefore + 3,
    );
    assert.match(p.output('ingress'), /TLS reload refused; keeping the previous material/);
  });

  // Last: it revokes the certifying_staff certificate of this ingress's CRL.
  it('a keep-alive connection opened before its certificate was revoked publishes nothing more (§8)', async () => {
    const before = await published(s, p);
    const files = issueCert(
      pki,
      dir,
      'to-revoke',
      '/O=Airlock development/OU=certifying_staff/CN=to-revoke',
      'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\nsubjectAltName=URI:urn:airlock:dev:to-revoke',
    );
    const token = await mintDevToken(p.pki, 'certifying_staff', {
      bindCertPem: readFileSync(files.cert, 'utf8'),
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await post(p, token, { certFiles: files, agent });
      assert.equal(first.status, 202, first.text);
      const [socket] = Object.values(agent.freeSockets).flat();
      assert.ok(socket, 'the connection is kept alive');
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      authority.revoke(files.cert);
      // The reload retires the connections opened under the old CRL: the idle one is closed, well
      // before the 5 s keep-alive timeout would close it anyway.
      await Promise.race([
        closed,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`still open\n${p.output('ingress')}`)), 2000),
        ),
      ]);
      // A new connection with the revoked certificate fails its handshake; nothing more was published.
      await assert.rejects(post(p, token, { certFiles: files }));
      assert.equal(await published(s, p), before + 1);
      // Another certificate is unaffected.
      assert.equal((await post(p, await tokenFor(p.pki, 'certifying_staff'))).status, 202);
    } finally {
      agent.destroy();
    }
  });
});

describe('ingress certificates under the identity map (policy map)', () => {
  let s: Services;
  let p: Pipeline;
  const dir = mkdtempSync(`${tmpdir()}/airlock-map-`);
  const pki = ensureDevPki();

  before(async () => {
    s = await services();
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_INGRESS_IDENTITY_POLICY: 'map',
      AIRLOCK_INGRESS_IDENTITY_MAP: JSON.stringify({
        'uri:urn:airlock:dev:certifying_staff': { subjects: ['tablet-7'], roles: ['certifying_staff'] },
        'dn:O=Airlock development,OU=parts_traceability,CN=dev-parts_traceability': {
          roles: ['parts_traceability'],
        },
        'dn:O=Airlock development,CN=no-san': { roles: ['certifying_staff'] },
      }),
    });
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a mapped certificate carries the subjects and roles it maps to, unbound tokens included', async () => {
    const res = await post(p, await mintDevToken(p.pki, 'certifying_staff', { subject: 'tablet-7' }));
    assert.equal(res.status, 202, res.text);
    // By DN: any subject of the role.
    const parts = await post(p, await mintDevToken(p.pki, 'parts_traceability', { subject: 'anyone' }), {
      certRole: 'parts_traceability',
    });
    assert.equal(parts.status, 202, parts.text);
  });

  it('another subject, another role, an unmapped certificate, a certificate without SAN: 403, nothing published (§7)', async () => {
    const before = await published(s, p);
    const noSan = issueCert(
      pki,
      dir,
      'no-san',
      '/O=Airlock development/CN=no-san',
      'extendedKeyUsage=clientAuth',
    );
    const cases: [string, Promise<Awaited<ReturnType<typeof post>>>, RegExp][] = [
      [
        'other subject',
        post(p, await mintDevToken(p.pki, 'certifying_staff', { subject: 'someone-else' })),
        /subject or role/,
      ],
      [
        'other role',
        post(
          p,
          await mintDevToken(p.pki, 'certifying_staff', {
            subject: 'tablet-7',
            claims: { role: 'fleet_ops' },
          }),
        ),
        /subject or role/,
      ],
      [
        'unmapped certificate',
        post(p, await mintDevToken(p.pki, 'compliance_auditor'), { certRole: 'compliance_auditor' }),
        /not in the identity map/,
      ],
      [
        'no SAN',
        post(p, await mintDevToken(p.pki, 'certifying_staff'), { certFiles: noSan }),
        /without subjectAltName/,
      ],
    ];
    for (const [name, pending, detail] of cases) {
      const res = await pending;
      assert.equal(res.status, 403, `${name}: ${res.text}`);
      const problem = res.json<{ code: string; detail: string }>();
      assert.equal(problem.code, 'CLIENT_CERT_NOT_ALLOWED', name);
      assert.match(problem.detail, detail, name);
    }
    assert.equal(await published(s, p), before);
  });
});
