/**
 * Client certificates minted during a cell, with lives of seconds, for the lifetime family: one
 * that expires under a running worker, and its renewal. Issued by the harness CA (which mTLS
 * servers trust), on a P-256 key, which takes milliseconds to make where RSA-2048 takes 120-340 ms.
 */
import { readFile } from 'node:fs/promises';
import type { HarnessPkiFiles } from './harness-pki';
import { mintWebCryptoCertificate, type PemCredential } from './webcrypto-mint';

/** The certificate is valid from a moment before it is made: the Go server allows no clock skew. */
const VALID_BEFORE_MS = 5000;

export async function mintClientCertificate(pki: HarnessPkiFiles, lifeS: number): Promise<PemCredential> {
  const [certPem, keyPem] = await Promise.all([readFile(pki.certPath('ca'), 'utf8'), readFile(pki.keyPath('ca'), 'utf8')]);
  const now = Date.now();
  return mintWebCryptoCertificate(
    {
      algorithm: 'P-256',
      commonName: 'harness-client-short-lived',
      extKeyUsage: ['clientAuth'],
      notBefore: new Date(now - VALID_BEFORE_MS),
      notAfter: new Date(now + lifeS * 1000),
    },
    { certPem, keyPem },
  );
}
