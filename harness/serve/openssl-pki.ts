/**
 * For tests: a PKI made with the `openssl` command line, the way users make theirs, so that
 * serve is tried with certificates the harness did not mint. The server certificate names only
 * `tls-sample`, like samples-server's tls-simple cluster certificate.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface OpensslPki {
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

/** `serverAltNames` in openssl's syntax; `null` leaves the extension out (a CN-only certificate). */
export function makeOpensslPki(dir: string, serverAltNames: string | null = 'DNS:tls-sample'): OpensslPki {
  const file = (name: string) => path.join(dir, name);
  openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Sample Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file('ca.key'), '-out', file('ca.pem'),
  ]);
  const leaf = (name: string, commonName: string, extensions: string[]) => {
    writeFileSync(file(`${name}.ext`), `${['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', ...extensions].join('\n')}\n`);
    openssl(dir, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)]);
    openssl(dir, [
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`),
    ]);
    for (const key of ['ca.key', `${name}.key`]) chmodSync(file(key), 0o600);
    return { cert: file(`${name}.pem`), key: file(`${name}.key`) };
  };
  return {
    ca: file('ca.pem'),
    server: leaf('server', 'tls-sample', [...(serverAltNames === null ? [] : [`subjectAltName=${serverAltNames}`]), 'extendedKeyUsage=serverAuth']),
    client: leaf('client', 'sample-client', ['extendedKeyUsage=clientAuth']),
  };
}
