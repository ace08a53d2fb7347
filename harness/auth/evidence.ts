/** What the API key a stack was given says, for the classifier (the server's words are the same for every cause). */
import type { ClassifyContext } from '../diagnosis/classify';
import { strayBytesOf, trimmedToken } from './stray-bytes';
import { decodeApiKey } from './tokens';

export function apiKeyEvidence(
  apiKey: string | undefined,
  namespace: string,
  tlsLeftUnset: boolean,
): Pick<ClassifyContext, 'apiKey' | 'tlsImpliedByApiKey'> {
  if (apiKey === undefined) return {};
  // The token's claims are read from the token itself: its stray bytes are a cause of their own.
  const decoded = decodeApiKey(trimmedToken(apiKey));
  const stray = strayBytesOf(apiKey);
  return { apiKey: { facts: decoded.ok ? decoded.facts : null, namespace, ...(stray ? { stray } : {}) }, tlsImpliedByApiKey: tlsLeftUnset };
}
