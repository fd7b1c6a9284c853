/**
 * airlock.yaml against the real stack (issue #15 §6): the ingress starts from a file with an overlay
 * (`staging`) and `${ENV}` references, the environment overriding it; a key the schema does not have
 * stops the start-up with its path; and a running ingress reloads the file when it changes — a
 * tenant limit (counted in the real Redis) and a second trusted issuer (a real `oidc-provider`) take
 * effect without a restart, a file that does not validate changes nothing, and a change that needs
 * a restart is reported, not applied.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { httpsCall, postRecord } from '../support/https.ts';
import { startProvider, type TestProvider } from '../support/oidc.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { services } from '../support/services.ts';
import { until } from '../support/wait.ts';

const issuerEntry = (ref: string, extra: string) => `
    - issuer: \${${ref}}
      audience: airlock-ingress
      jwksUrl: \${${ref}}/jwks
${extra}`;
const A = issuerEntry(
  'ISSUER_A',
  '      roleClaim: roles\n      roleMap: { mro-certifier: certifying_staff }\n      tenant: airline-a',
);
const B = issuerEntry(
  'ISSUER_B',
  '      roleClaim: scope\n      roleMap: { records:write: certifying_staff }\n      tenantClaim: org',
);

/** The file under test: `aLimit` is airline A's tenant limit in the staging overlay. */
const airlockYaml = (o: { aLimit: number; issuers: string[]; extra?: string }) => `
# Airlock's configuration for this test; the environment overrides the port and the endpoints.
ingress:
  port: 1
  identityPolicy: map
  identityMap:
    "uri:urn:airlock:dev:certifying_staff": { subjects: [tablet-a, tablet-b], roles: [certifying_staff] }
  tenantLimits:
    "*": { limit: 1000, windowMs: 300000 }
${o.extra ?? ''}
jwt:
  allowLoopbackHttpJwks: true   # the test's providers speak http on 127.0.0.1
  issuers:${o.issuers.join('')}
environments:
  staging:
    ingress:
      tenantLimits:
        airline-a: { limit: ${o.aLimit}, windowMs: 300000 }
  production:
    ingress: { maxBodyBytes: 4096 }
`;

interface Ready {
  config_reload?: { last: string; at?: string; applied?: string[]; restartNeeded?: string[]; error?: string };
}

describe('airlock.yaml: start-up from a file with an overlay, and hot reload of limits and issuers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-config-'));
  const file = join(dir, 'airlock.yaml');
  let airlineA: TestProvider;
  let shared: TestProvider;
  let p: Pipeline;
  /** Replaces the file as config management does (write aside, rename over). */
  const replace = (text: string) => {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  const ready = async () => (await httpsCall(p.pki, `${p.url}/health/ready`)).json<Ready>();
  /** Replaces the file and waits until the ingress has read it again. */
  const reloadWith = async (text: string) => {
    const before = (await ready()).config_reload?.at;
    replace(text);
    await until('the ingress read the file again', async () => (await ready()).config_reload?.at !== before);
    return (await ready()).config_reload;
  };

  before(async () => {
    airlineA = await startProvider('tablet-a', { roles: ['mro-certifier'] });
    shared = await startProvider('tablet-b', { org: 'airline-b' });
    writeFileSync(file, airlockYaml({ aLimit: 3, issuers: [A] }));
    p = await startPipeline(await services(), ['ingress'], {
      // The single-issuer settings of the test harness give way to the file's list.
      AIRLOCK_JWT_JWKS_FILE: '',
      AIRLOCK_JWT_ISSUER: '',
      AIRLOCK_JWT_AUDIENCE: '',
      AIRLOCK_CONFIG_FILE: file,
      AIRLOCK_ENV: 'staging',
      ISSUER_A: airlineA.issuer,
      ISSUER_B: shared.issuer,
    });
  });
  after(async () => {
    await p?.stop();
    for (const op of [airlineA, shared]) op?.server.close();
  });

  it('a key the schema does not have stops the start-up, named by its path in the file', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      airlockYaml({ aLimit: 3, issuers: [A] }).replace(
        '      tenantLimits:\n        airline-a',
        '      tenantLimitz:\n        airline-a',
      ),
    );
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.env))
      if (k.startsWith('AIRLOCK_') || k.startsWith('ISSUER_')) env[k] = v;
    const run = spawnSync(process.execPath, [`${ROOT}ingress/main.ts`], {
      env: { PATH: process.env.PATH ?? '', ...env, AIRLOCK_CONFIG_FILE: bad },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.notEqual(run.status, 0, 'the ingress started with an unknown key');
    assert.match(
      `${run.stdout}${run.stderr}`,
      /bad\.yaml: environments\.staging\.ingress\.tenantLimitz: unknown setting/,
    );
  });

  it('the overlay, the environment references and the environment over the file all took effect', async () => {
    // The environment's port (the file says 1), the file's issuer (from ${ISSUER_A}), the overlay's limit.
    const res = await postRecord(p.pki, p.url, await airlineA.token());
    assert.equal(res.status, 202, `${res.text}\n${p.output('ingress')}`);
    assert.match(String(res.headers['ratelimit-policy']), /"tenant";q=3;w=300/);
    const stranger = await postRecord(p.pki, p.url, await shared.token());
    assert.equal(stranger.status, 401, stranger.text);
    assert.match(stranger.json<{ detail: string }>().detail, /issuer is not trusted/);
  });

  it('a changed tenant limit and a second issuer apply without a restart', async () => {
    const pid = p.pid('ingress');
    for (let i = 0; i < 2; i++)
      assert.equal((await postRecord(p.pki, p.url, await airlineA.token())).status, 202);
    const spent = await postRecord(p.pki, p.url, await airlineA.token());
    assert.equal(spent.status, 429, spent.text);
    const state = await reloadWith(airlockYaml({ aLimit: 50, issuers: [A, B] }));
    assert.equal(state?.last, 'ok', JSON.stringify(state));
    assert.deepEqual(state?.restartNeeded, []);
    assert.ok(state?.applied?.includes('ingress.tenantLimits.airline-a.limit'), JSON.stringify(state));
    assert.ok(state?.applied?.includes('jwt.issuers'), JSON.stringify(state));
    const a = await postRecord(p.pki, p.url, await airlineA.token());
    assert.equal(a.status, 202, a.text);
    assert.match(String(a.headers['ratelimit-policy']), /"tenant";q=50;w=300/);
    const b = await postRecord(p.pki, p.url, await shared.token());
    assert.equal(b.status, 202, `${b.text}\n${p.output('ingress')}`);
    assert.equal(p.pid('ingress'), pid, 'the ingress restarted');
    assert.match(p.output('ingress'), /"msg":"configuration reloaded"/);
    const metrics = await httpsCall(p.pki, `${p.url}/metrics`);
    assert.match(metrics.text, /airlock_ingress_config_reloads_total\{outcome="applied"\} [1-9]/);
  });

  it('a file that does not validate changes nothing; a change that needs a restart is reported, not applied', async () => {
    const refused = await reloadWith(
      airlockYaml({ aLimit: 1, issuers: [A] }).replace(
        '  identityPolicy: map',
        '  identityPolicy: map\n  rateLimitz: {}',
      ),
    );
    assert.equal(refused?.last, 'failed');
    assert.match(refused?.error ?? '', /ingress\.rateLimitz: unknown setting/);
    // Still the running limit (50) and both issuers.
    const b = await postRecord(p.pki, p.url, await shared.token());
    assert.equal(b.status, 202, b.text);
    const a = await postRecord(p.pki, p.url, await airlineA.token());
    assert.match(String(a.headers['ratelimit-policy']), /"tenant";q=50;w=300/);
    const restart = await reloadWith(
      airlockYaml({ aLimit: 50, issuers: [A, B], extra: '  maxRecordsPerRequest: 7' }),
    );
    assert.equal(restart?.last, 'ok');
    assert.deepEqual(restart?.applied, []);
    assert.deepEqual(restart?.restartNeeded, ['ingress.maxRecordsPerRequest']);
  });
});
