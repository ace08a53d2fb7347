/**
 * The certificates a served server presents and trusts, and the files its clients use: either a
 * PKI the harness mints (the matrix's own, so serve and matrix agree on what "the server cert"
 * is), or the user's certificates plus an internal PKI for the server's own worker.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { harnessCertificates } from '../matrix/environment';
import { writeServedPki } from '../pki/harness-pki';
import { writeInternalPki } from '../pki/internal-pki';
import type { ServerMode } from '../server/config';
import type { InternalPki, KeyPairFiles } from '../server/endpoint';
import type { UserCertificates } from './inputs';

export interface ServedCertificates {
  /** The frontend's default certificate; absent for a plain server. */
  frontend?: KeyPairFiles;
  /** CAs whose client certificates the frontend accepts (mtls), besides the internal CA. */
  clientCas: string[];
  internal?: InternalPki;
  /** The files a client uses, absolute; only those the mode needs or the user gave. */
  client: { ca?: string; cert?: string; key?: string };
  /** The certificate whose names clients must match. */
  frontendCertificate?: X509Certificate;
  /** True when the internal PKI was minted beside the user's certificates. */
  internalBesideUser: boolean;
}

export async function prepareCertificates(mode: ServerMode, dir: string, user?: UserCertificates): Promise<ServedCertificates> {
  if (mode === 'plain') return { clientCas: [], client: {}, internalBesideUser: false };
  if (user) {
    return {
      frontend: { cert: user.serverCert, key: user.serverKey },
      clientCas: mode === 'mtls' ? user.clientCas : [],
      internal: await writeInternalPki(path.join(dir, 'internal')),
      client: { ca: user.ca, ...user.client },
      frontendCertificate: user.serverCertificate,
      internalBesideUser: true,
    };
  }
  const pki = await writeServedPki(dir, mode === 'mtls');
  const certificates = harnessCertificates(pki);
  const frontend = certificates.frontend({ mode, about: 'the certificate serve presents' });
  return {
    frontend,
    clientCas: certificates.clientCas,
    internal: certificates.internal,
    client: { ca: pki.certPath('ca'), ...(mode === 'mtls' ? { cert: pki.certPath('client'), key: pki.keyPath('client') } : {}) },
    frontendCertificate: new X509Certificate(await readFile(frontend.cert)),
    internalBesideUser: false,
  };
}
