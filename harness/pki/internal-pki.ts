/**
 * The harness's internal PKI for servers that present someone else's certificates (`serve` and
 * `matrix` with user certificates): a CA of its own, a server certificate for the internal name,
 * and a client certificate for the server's system worker and the harness's own connections.
 * The server is told to trust this CA for client certificates too, so that its internal worker
 * gets through an mTLS frontend whose client CA is the user's.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTERNAL_SERVER_NAME } from '../server/config';
import type { InternalPki } from '../server/endpoint';
import { writeSecret } from './harness-pki';
import { mintCertificate } from './mint';

export async function writeInternalPki(dir: string): Promise<InternalPki> {
  const ca = await mintCertificate({ commonName: 'Temporal TLS Harness Internal CA', isCa: true });
  const [server, client] = await Promise.all([
    mintCertificate({ commonName: INTERNAL_SERVER_NAME, dnsNames: [INTERNAL_SERVER_NAME] }, ca),
    mintCertificate({ commonName: 'temporal-system-worker', extKeyUsage: ['clientAuth'] }, ca),
  ]);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  await Promise.all([
    writeFile(file('internal-ca.pem'), ca.certPem),
    writeFile(file('internal-server.pem'), server.certPem),
    writeSecret(file('internal-server.key'), server.keyPem),
    writeFile(file('internal-client.pem'), client.certPem),
    writeSecret(file('internal-client.key'), client.keyPem),
  ]);
  return {
    caFile: file('internal-ca.pem'),
    server: { cert: file('internal-server.pem'), key: file('internal-server.key') },
    client: { cert: file('internal-client.pem'), key: file('internal-client.key') },
  };
}
