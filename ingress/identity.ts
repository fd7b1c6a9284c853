/**
 * Who is calling. The walking skeleton (issue #2) has only the `dev-insecure` mode, which the
 * configuration allows on loopback alone; mutual TLS and JWT verification replace it in issue #3
 * behind this same interface.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../core/config.ts';

export interface Identity {
  subject: string;
  role: string;
  clientCertSha256?: string | undefined;
}

export type Authenticator = (req: FastifyRequest) => Promise<Identity>;

export function createAuthenticator(config: Config): Authenticator {
  switch (config.ingress.authMode) {
    case 'dev-insecure': {
      const identity: Identity = Object.freeze({ subject: 'dev-insecure', role: 'dev-insecure' });
      return async () => identity;
    }
    case undefined:
      throw new Error('AIRLOCK_INGRESS_AUTH_MODE is required by the ingress');
  }
}
