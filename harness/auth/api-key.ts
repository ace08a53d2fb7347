/**
 * `api-key` as a function: mint a token for a server that `serve --auth api-key` started, from the
 * signing keys in its certificates folder, so other roles, namespaces and lifetimes can be tried.
 */
import { loadSigner, signingKeyFiles, type SigningAlgorithm } from './signing-keys';
import { type ApiKeyFacts, decodeApiKey, mintToken, permission, type Role } from './tokens';

export interface ApiKeyOptions {
  /** The folder serve minted into (it holds `auth/`). */
  certs: string;
  namespaces: string[];
  role: Role;
  expiresInS: number;
  notBeforeInS?: number;
  audience?: string;
  subject?: string;
  algorithm?: SigningAlgorithm;
}

export interface MintedApiKey {
  token: string;
  /** What the token says, for a summary that never shows the token itself. */
  facts: ApiKeyFacts;
}

export async function mintApiKey(options: ApiKeyOptions): Promise<MintedApiKey> {
  const signer = await loadSigner(signingKeyFiles(options.certs), options.algorithm ?? 'RS256');
  const token = await mintToken(signer, {
    subject: options.subject ?? `api-key-${options.role}`,
    permissions: options.namespaces.map((namespace) => permission(namespace, options.role)),
    expiresInS: options.expiresInS,
    notBeforeInS: options.notBeforeInS,
    audience: options.audience,
  });
  const decoded = decodeApiKey(token);
  if (!decoded.ok) throw new Error(`minted a token that does not decode: ${decoded.problem}`);
  return { token, facts: decoded.facts };
}

/** One line about a token, without the token: sub, what it grants, when it is valid, how it is signed. */
export function describeApiKey(facts: ApiKeyFacts): string {
  const at = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(seconds * 1000).toISOString());
  return [
    `sub ${facts.subject ?? '(none)'}`,
    `permissions ${facts.permissions.length > 0 ? facts.permissions.join(', ') : '(none)'}`,
    ...(facts.expiresAt !== undefined ? [`expires ${at(facts.expiresAt)}`] : ['no expiry']),
    ...(facts.notBefore !== undefined ? [`not before ${at(facts.notBefore)}`] : []),
    ...(facts.audience.length > 0 ? [`aud ${facts.audience.join(', ')}`] : []),
    `${facts.algorithm ?? 'no alg'}, kid ${facts.keyId ?? '(none)'}`,
  ].join('; ');
}
