/**
 * Several identity providers at once (issue #15 §2, §3): two real OpenID providers (`oidc-provider`)
 * issue client-credentials JWT access tokens, each with its own keys, audience and claims — airline
 * A's provider puts the role in a `roles` array and speaks for airline A alone; the MRO's shared
 * provider names the role in `scope` and the tenant in an `org` claim. A third provider runs but is
 * not trusted: its tokens are refused before its keys are ever fetched. Tenant limits are counted in
 * the real Redis, per tenant, beside each identity's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { httpsCall, postRecord } from '../support/https.ts';
import { readTopic, testKafka } from '../support/kafka.ts';
import { startProvider, type TestProvider } from '../support/oidc.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { services } from '../support/services.ts';

const AUDIENCE = 'airlock-ingress';

describe('two trusted identity providers at once, and one that is not trusted', () => {
  let airlineA: TestProvider;
  let shared: TestProvider;
  let stranger: TestProvider;
  let p: Pipeline;
  const TENANT_A_LIMIT = 4;

  before(async () => {
    airlineA = await startProvider('tablet-a', { roles: ['offline_access', 'mro-certifier'] });
    shared = await startProvider('tablet-b', { org: 'airline-b' });
    stranger = await startProvider('tablet-c', { role: 'certifying_staff', org: 'airline-b' });
    p = await startPipeline(await services(), ['ingress'], {
      AIRLOCK_JWT_JWKS_FILE: '',
      AIRLOCK_JWT_ISSUER: '',
      AIRLOCK_JWT_AUDIENCE: '',
      AIRLOCK_JWT_ISSUERS: JSON.stringify([
        {
          issuer: airlineA.issuer,
          audience: AUDIENCE,
          jwksUrl: `${airlineA.issuer}/jwks`,
          roleClaim: 'roles',
          roleMap: { 'mro-certifier': 'certifying_staff' },
          tenant: 'airline-a',
        },
        {
          issuer: shared.issuer,
          audience: AUDIENCE,
          jwksUrl: `${shared.issuer}/jwks`,
          algorithms: ['ES256'],
          roleClaim: 'scope',
          roleMap: { 'records:write': 'certifying_staff' },
          tenantClaim: 'org',
          tenants: ['airline-b', 'airline-c'],
        },
      ]),
      // The test's providers speak plain http on 127.0.0.1 (development switch).
      AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: 'true',
      AIRLOCK_JWT_REQUIRE_TYP: 'true',
      AIRLOCK_INGRESS_IDENTITY_POLICY: 'map',
      AIRLOCK_INGRESS_IDENTITY_MAP: JSON.stringify({
        'uri:urn:airlock:dev:certifying_staff': {
          subjects: ['tablet-a', 'tablet-b', 'tablet-c'],
          roles: ['certifying_staff'],
        },
      }),
      AIRLOCK_INGRESS_TENANT_LIMITS: JSON.stringify({
        'airline-a': { limit: TENANT_A_LIMIT, windowMs: 300_000 },
        '*': { limit: 1000, windowMs: 300_000 },
      }),
      AIRLOCK_INGRESS_TENANT_QUOTAS: JSON.stringify({ 'airline-b': { records: 10, windowMs: 86_400_000 } }),
    });
  });
  after(async () => {
    await p?.stop();
    for (const op of [airlineA, shared, stranger]) op?.server.close();
  });

  let sentA = 0;
  const post = async (op: TestProvider) => {
    const res = await postRecord(p.pki, p.url, await op.token());
    if (op === airlineA && res.status === 202) sentA++;
    return res;
  };

  it('each provider’s token is accepted with its own keys and mapping; tenant and issuer reach the lineage', async () => {
    const a = await post(airlineA);
    assert.equal(a.status, 202, `${a.text}\n${p.output('ingress')}`);
    const b = await post(shared);
    assert.equal(b.status, 202, `${b.text}\n${p.output('ingress')}`);
    const records = await readTopic(testKafka(await services()), p.topics.ingress, {
      expect: 2,
      settleMs: 500,
    });
    const byIssuer = new Map(records.map((r) => [r.headers['airlock-issuer'], r.headers]));
    assert.equal(byIssuer.get(airlineA.issuer)?.['airlock-tenant'], 'airline-a');
    assert.equal(byIssuer.get(airlineA.issuer)?.['airlock-role'], 'certifying_staff');
    assert.equal(byIssuer.get(shared.issuer)?.['airlock-tenant'], 'airline-b');
    assert.equal(byIssuer.get(shared.issuer)?.['airlock-subject'], 'tablet-b');
  });

  it('a token of a provider that is not trusted is 401, and its keys are never fetched', async () => {
    const res = await post(stranger);
    assert.equal(res.status, 401, res.text);
    assert.match(res.json<{ detail: string }>().detail, /issuer is not trusted/);
    assert.equal(stranger.jwksFetches(), 0, 'the untrusted provider’s JWKS was fetched');
    assert.ok(airlineA.jwksFetches() > 0 && shared.jwksFetches() > 0, 'the trusted ones were');
  });

  it('readiness names each provider', async () => {
    const ready = await httpsCall(p.pki, `${p.url}/health/ready`);
    const body = ready.json<{ checks: { jwks: string }; issuers: Record<string, string> }>();
    assert.equal(body.checks.jwks, 'up');
    assert.deepEqual(body.issuers, { [airlineA.issuer]: 'up', [shared.issuer]: 'up' });
  });

  it('airline A’s tenant limit (in Redis) refuses its senders once spent, with the tenant named; airline B goes on', async () => {
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < TENANT_A_LIMIT + 2 && !refused; i++) {
      const res = await post(airlineA);
      if (res.status === 429) refused = res;
      else assert.equal(res.status, 202, res.text);
    }
    assert.ok(refused, 'no 429 for airline A');
    assert.equal(sentA, TENANT_A_LIMIT, 'the 429 came once the tenant’s limit was spent');
    assert.match(refused.json<{ detail: string }>().detail, /tenant airline-a/);
    assert.match(String(refused.headers['ratelimit-policy']), /^"tenant";q=4;w=300, "identity";q=\d+;w=\d+$/);
    assert.equal(refused.headers['ratelimit-remaining'], '0');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    const b = await post(shared);
    assert.equal(b.status, 202, b.text);
    assert.match(String(b.headers['ratelimit-policy']), /"tenant";q=1000;w=300/);
  });

  it('airline B’s record quota (in Redis) counts records: a batch larger than what is left is 429 and publishes nothing', async () => {
    {
      const batch = (n: number) => JSON.stringify(Array.from({ length: n }, () => sampleRecord()));
      // Two of its ten were taken by the tests above (one record each).
      const six = await postRecord(p.pki, p.url, await shared.token(), { body: batch(6) });
      assert.equal(six.status, 207, six.text);
      assert.match(String(six.headers.ratelimit), /"quota";r=2;t=\d+/);
      assert.match(String(six.headers['ratelimit-policy']), /"quota";q=10;w=86400/);
      const three = await postRecord(p.pki, p.url, await shared.token(), { body: batch(3) });
      assert.equal(three.status, 429, three.text);
      const problem = three.json<{ code: string; detail: string }>();
      assert.equal(problem.code, 'QUOTA_EXCEEDED');
      assert.match(problem.detail, /tenant airline-b .* 2 are left and this request has 3/);
      assert.ok(Number(three.headers['retry-after']) > 0);
      // The refused batch took nothing: the two left still fit.
      const two = await postRecord(p.pki, p.url, await shared.token(), { body: batch(2) });
      assert.equal(two.status, 207, two.text);
      assert.match(String(two.headers.ratelimit), /"quota";r=0;t=\d+/);
      // Airline A has no quota.
      assert.doesNotMatch(String((await post(airlineA)).headers['ratelimit-policy'] ?? ''), /quota/);
      const records = await readTopic(testKafka(await services()), p.topics.ingress, {
        expect: 2 + 6 + 2 + sentA,
        settleMs: 500,
      });
      // A's records, B's two single ones, and its two batches: the refused batch published nothing.
      assert.equal(records.length, sentA + 2 + 6 + 2);
    }
  });
});
