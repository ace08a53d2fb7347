/** A minted PKI for your own tests: a CA, a server certificate for this machine, a client certificate. */
import { readFile, rm } from 'node:fs/promises';
import { writeHarnessPki, type CredentialName } from '../pki/harness-pki';

export interface MintedCertificate {
  /** File paths (keys are written 0600). */
  cert: string;
  key: string;
  /** The same, as PEM text. */
  certPem: string;
  keyPem: string;
}

export interface MintedPki {
  dir: string;
  /** The root CA clients verify the server with, and servers verify clients with. */
  ca: MintedCertificate;
  /** Names localhost, 127.0.0.1 and ::1 (and the remote engine's host when DOCKER_HOST names one). */
  server: MintedCertificate;
  /** Extended key usage clientAuth, signed by `ca`. */
  client: MintedCertificate;
  /** Remove the folder. */
  remove(): Promise<void>;
}

/** Mint the harness's PKI (RSA 2048) into `dir` (created if needed) and return its main files. */
export async function mintPki(dir: string): Promise<MintedPki> {
  const pki = await writeHarnessPki(dir);
  const read = async (name: CredentialName): Promise<MintedCertificate> => {
    const [cert, key] = [pki.certPath(name), pki.keyPath(name)];
    const [certPem, keyPem] = await Promise.all([readFile(cert, 'utf8'), readFile(key, 'utf8')]);
    return { cert, key, certPem, keyPem };
  };
  const [ca, server, client] = await Promise.all([read('ca'), read('server'), read('client')]);
  return { dir: pki.dir, ca, server, client, remove: () => rm(pki.dir, { recursive: true, force: true }) };
}
