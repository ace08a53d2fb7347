/** What the API key a stack was given says, for the classifier (the server's words are the same for every cause). */
import type { ClassifyContext } from '../diagnosis/classify';
import { decodeApiKey } from './tokens';

export function apiKeyEvidence(
  apiKey: string | undefined,
  namespace: string,
  tlsLeftUnset: boolean,
): Pick<ClassifyContext, 'apiKey' | 'tlsImpliedByApiKey'> {
  if (apiKey === undefined) return {};
  const decoded = decodeApiKey(apiKey);
  return { apiKey: { facts: decoded.ok ? decoded.facts : null, namespace }, tlsImpliedByApiKey: tlsLeftUnset };
}
