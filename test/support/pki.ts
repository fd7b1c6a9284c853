/**
 * Certificates and CRLs of the development CA made in a test (openssl, as scripts/dev-pki.sh): client
 * certificates with the extensions a case needs, and CRLs through a minimal `openssl ca` database.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';

const openssl = (args: string[], cwd?: string) =>
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], ...(cwd ? { cwd } : {}) });

/** A certificate `<dir>/<name>.crt` (+ `.key`) issued by the development CA of `pki`, with these extensions. */
export function issueCert(
  pki: string,
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): {
  cert: string;
  key: string;
} {
  const base = `${dir}/${name}`;
  openssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
    '-subj',
    subject,
  ]);
  writeFileSync(`${base}.ext`, `${extensions}\n`);
  openssl([
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    `${pki}/ca.crt`,
    '-CAkey',
    `${pki}/ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    `${base}.ext`,
    '-out',
    `${base}.crt`,
  ]);
  return { cert: `${base}.crt`, key: `${base}.key` };
}

/** A CRL authority over `dir`: `crl()` writes the current CRL to `<dir>/crl.pem`; `revoke(cert)` adds one. */
export function crlAuthority(pki: string, dir: string) {
  copyFileSync(`${pki}/ca.crt`, `${dir}/ca-for-crl.crt`);
  writeFileSync(`${dir}/index.txt`, '');
  writeFileSync(`${dir}/crlnumber`, '01\n');
  writeFileSync(
    `${dir}/ca.cnf`,
    [
      '[ca]',
      'default_ca = dev',
      '[dev]',
      `database = ${dir}/index.txt`,
      `crlnumber = ${dir}/crlnumber`,
      'default_md = sha256',
      'default_crl_days = 2',
      '',
    ].join('\n'),
  );
  const ca = ['-config', `${dir}/ca.cnf`, '-keyfile', `${pki}/ca.key`, '-cert', `${pki}/ca.crt`];
  const crl = (out = `${dir}/crl.pem`) => {
    openssl(['ca', ...ca, '-gencrl', '-out', out]);
    return out;
  };
  return {
    crl,
    revoke: (certFile: string, out?: string) => {
      openssl(['ca', ...ca, '-revoke', certFile]);
      return crl(out);
    },
  };
}
