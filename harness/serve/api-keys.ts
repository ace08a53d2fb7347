/**
 * `serve --auth api-key`: signing keys in serve's folder (so `api-key --certs` can mint more), and
 * a write token per registered namespace, each in a 0600 file. The tokens are handed out as files
 * and `$(cat FILE)`, never printed, so they do not end up in terminal scrollback or CI logs.
 */
import path from 'node:path';
import { loadSigner, signingKeyFiles } from '../auth/signing-keys';
import { mintToken, permission } from '../auth/tokens';
import { writeSecret } from '../pki/harness-pki';

/** Long enough for a day of trying things; `api-key --expires-in` mints others. */
export const SERVE_API_KEY_LIFETIME_S = 24 * 60 * 60;

export interface ServedApiKey {
  namespace: string;
  token: string;
  /** The 0600 file holding the token. */
  file: string;
}

export async function mintServeApiKeys(dir: string, namespaces: string[], audience?: string): Promise<ServedApiKey[]> {
  const files = signingKeyFiles(dir);
  const signer = await loadSigner(files);
  return Promise.all(
    namespaces.map(async (namespace) => {
      const token = await mintToken(signer, {
        subject: `serve-${namespace}-write`,
        permissions: [permission(namespace, 'write')],
        expiresInS: SERVE_API_KEY_LIFETIME_S,
        audience,
      });
      const file = path.join(files.dir, `api-key-${namespace}.jwt`);
      await writeSecret(file, `${token}\n`);
      return { namespace, token, file };
    }),
  );
}
