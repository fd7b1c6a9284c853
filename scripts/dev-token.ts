/**
 * `npm run dev:token -- <role> [ttl-seconds]`: prints a development access token for a role,
 * bound to that role's development client certificate. Roles: certifying_staff,
 * parts_traceability, compliance_auditor, fleet_ops.
 */
import { readFileSync } from 'node:fs';
import { ensureDevPki, mintDevToken, ROLES } from './lib/dev-identity.ts';

const [role = 'certifying_staff', ttl = '300'] = process.argv.slice(2);
if (!(ROLES as readonly string[]).includes(role)) {
  console.error(`unknown role ${role}; one of ${ROLES.join(', ')}`);
  process.exit(2);
}
const dir = ensureDevPki();
const bindCertPem = readFileSync(`${dir}/client-${role}.crt`, 'utf8');
console.log(await mintDevToken(dir, role, { ttlSeconds: Number(ttl), bindCertPem }));
