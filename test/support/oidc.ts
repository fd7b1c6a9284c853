/**
 * A real OpenID provider (the certified `oidc-provider` package) for the tests: client credentials,
 * JWT access tokens (resource indicators) signed ES256 with a key of its own, extra claims per
 * provider, and a count of the requests its JWKS endpoint answered.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { freePort } from './wait.ts';

export interface TestProvider {
  issuer: string;
  server: Server;
  clientId: string;
  /** Requests to its JWKS endpoint. */
  jwksFetches: () => number;
  token: () => Promise<string>;
}

export async function startProvider(
  clientId: string,
  claims: Record<string, unknown>,
  audience = 'airlock-ingress',
): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const secret = `${clientId}-secret-for-the-test-only`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `${clientId}-es256`, alg: 'ES256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:airlock:ingress',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'records:write',
          audience,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    extraTokenClaims: async () => claims,
  });
  let fetches = 0;
  provider.use(async (ctx, next) => {
    if (ctx.path === '/jwks') fetches++;
    await next();
  });
  const server = provider.listen(port, '127.0.0.1');
  const token = async () => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'records:write',
        resource: 'urn:airlock:ingress',
      }),
    });
    const body = (await res.json()) as { access_token?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.ok(body.access_token);
    return body.access_token;
  };
  return { issuer, server, clientId, jwksFetches: () => fetches, token };
}
