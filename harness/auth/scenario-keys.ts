/** The API keys scenarios name (see ApiKeyChoice), minted for the scenario's server. */
import type { ApiKeyChoice } from '../matrix/scenario';
import type { EndpointAuthorization } from '../server/endpoint';
import { loadSigner, signingKeyFiles, SigningKeyName } from './signing-keys';
import { mintToken, permission, TokenSpec } from './tokens';

const HOUR_S = 60 * 60;

export interface ApiKeyTarget {
  /** The cell's namespace, which the key is for. */
  namespace: string;
  /** A registered namespace other than the cell's. */
  otherNamespace: string;
}

/** How each choice differs from the RS256 write token for the cell's namespace. */
function variant(choice: ApiKeyChoice, target: ApiKeyTarget): { key?: SigningKeyName; spec?: Partial<TokenSpec> } {
  switch (choice) {
    case 'write':
    case 'tampered':
    case 'malformed':
      return {};
    case 'read':
      return { spec: { permissions: [permission(target.namespace, 'read')] } };
    case 'worker-role':
      return { spec: { permissions: [permission(target.namespace, 'worker')] } };
    case 'es256-write':
      return { key: 'ES256' };
    case 'other-namespace':
      return { spec: { permissions: [permission(target.otherNamespace, 'write')] } };
    case 'expired':
      return { spec: { expiresInS: -60 } };
    case 'not-yet-valid':
      return { spec: { notBeforeInS: 5 * 60 } };
    case 'unknown-key':
      return { key: 'unknown' };
    case 'wrong-audience':
      return { spec: { audience: 'some-other-audience' } };
  }
}

/** `expiresInS`: a life of that many seconds instead of an hour (family lifetime: a key that expires under a running worker). */
export async function mintApiKeyChoice(choice: ApiKeyChoice, auth: EndpointAuthorization, target: ApiKeyTarget, expiresInS = HOUR_S): Promise<string> {
  if (choice === 'malformed') return 'this-is-not-a-jwt';
  const { key = 'RS256', spec } = variant(choice, target);
  const token = await mintToken(await loadSigner(signingKeyFiles(auth.keysDir), key), {
    subject: `harness-${choice}`,
    permissions: [permission(target.namespace, 'write')],
    expiresInS,
    audience: auth.audience,
    ...spec,
  });
  return choice === 'tampered' ? tamper(token) : token;
}

/** The same header and claims with a signature that no longer verifies (its last bytes changed). */
function tamper(token: string): string {
  const signature = token.slice(token.lastIndexOf('.') + 1);
  const altered = Buffer.from(signature, 'base64url');
  altered[altered.length - 1] ^= 0xff;
  return `${token.slice(0, token.lastIndexOf('.') + 1)}${altered.toString('base64url')}`;
}
