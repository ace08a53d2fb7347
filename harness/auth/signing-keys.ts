/**
 * The keys that sign API keys (JWTs) for a server with authorization: an RS256 and an ES256 key
 * the server knows (their public halves form the JWKS the server loads through `file://`), and
 * an RS256 key it does not know. They live in `<certs folder>/auth/`, private keys 0600, so
 * `api-key --certs DIR` can mint more tokens for a server `serve --auth api-key` started.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type KeyLike } from 'jose';
import { HarnessError } from '../errors';
import { writePublic, writeSecret } from '../pki/harness-pki';

/** The two algorithms the server's default JWT key provider supports (v1.32.1). */
export type SigningAlgorithm = 'RS256' | 'ES256';

/** A key the server trusts (`RS256`, `ES256`), or one it has never seen (`unknown`). */
export type SigningKeyName = SigningAlgorithm | 'unknown';

export const AUTH_DIR_NAME = 'auth';
const KEY_FILES: Record<SigningKeyName, string> = { RS256: 'rs256.key', ES256: 'es256.key', unknown: 'unknown-rs256.key' };
const ALGORITHM_OF: Record<SigningKeyName, SigningAlgorithm> = { RS256: 'RS256', ES256: 'ES256', unknown: 'RS256' };

export interface Signer {
  algorithm: SigningAlgorithm;
  /** The JWK thumbprint of the public key: the `kid` in the JWKS and in every token header. */
  keyId: string;
  privateKey: KeyLike;
}

export interface SigningKeyFiles {
  dir: string;
  /** The public keys the server trusts, as a JWKS. */
  jwksPath: string;
  keyPath(name: SigningKeyName): string;
}

export function signingKeyFiles(certsDir: string): SigningKeyFiles {
  const dir = path.join(certsDir, AUTH_DIR_NAME);
  return { dir, jwksPath: path.join(dir, 'jwks.json'), keyPath: (name) => path.join(dir, KEY_FILES[name]) };
}

/** Generate the signing keys into `<certsDir>/auth/` and write the JWKS of the trusted ones. */
export async function writeSigningKeys(certsDir: string): Promise<SigningKeyFiles> {
  const files = signingKeyFiles(certsDir);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const names = Object.keys(KEY_FILES) as SigningKeyName[];
  const pairs = await Promise.all(names.map((name) => generateKeyPair(ALGORITHM_OF[name], { extractable: true })));
  const keys = [];
  for (const [i, name] of names.entries()) {
    await writeSecret(files.keyPath(name), await exportPKCS8(pairs[i].privateKey));
    if (name === 'unknown') continue;
    const jwk = await exportJWK(pairs[i].publicKey);
    keys.push({ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ALGORITHM_OF[name], use: 'sig' });
  }
  await writePublic(files.jwksPath, `${JSON.stringify({ keys }, null, 2)}\n`);
  return files;
}

/** The signer for `name` from a folder {@link writeSigningKeys} wrote. */
export async function loadSigner(files: SigningKeyFiles, name: SigningKeyName = 'RS256'): Promise<Signer> {
  const file = files.keyPath(name);
  const pem = await readFile(file, 'utf8').catch(() => {
    throw new HarnessError(
      `no API-key signing key at ${file}: give --certs the folder that "serve --auth api-key" minted (it has an ${AUTH_DIR_NAME}/ folder)`,
    );
  });
  const algorithm = ALGORITHM_OF[name];
  const privateKey = await importPKCS8(pem, algorithm, { extractable: true });
  // A thumbprint takes only the public members, so the private JWK gives the public key's kid.
  return { algorithm, keyId: await calculateJwkThumbprint(await exportJWK(privateKey)), privateKey };
}

/** Whether `certsDir` holds signing keys (a server of it was started with authorization). */
export async function hasSigningKeys(certsDir: string): Promise<boolean> {
  return stat(signingKeyFiles(certsDir).keyPath('RS256')).then(
    () => true,
    () => false,
  );
}
