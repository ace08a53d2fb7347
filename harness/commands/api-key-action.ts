/** What `api-key` does when it runs: the token alone on stdout (for `$(...)`), its claims on stderr. */
import { describeApiKey, mintApiKey } from '../auth/api-key';

export interface ApiKeyCommandOptions {
  certs: string;
  namespace: string[];
  role: 'read' | 'write' | 'worker' | 'admin';
  expiresIn: number;
  notBefore?: number;
  audience?: string;
  subject?: string;
  algorithm: 'RS256' | 'ES256';
  json?: boolean;
}

export async function apiKeyAction(options: ApiKeyCommandOptions): Promise<void> {
  const { token, facts } = await mintApiKey({
    certs: options.certs,
    namespaces: options.namespace,
    role: options.role,
    expiresInS: options.expiresIn,
    notBeforeInS: options.notBefore,
    audience: options.audience,
    subject: options.subject,
    algorithm: options.algorithm,
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ token, claims: facts })}\n`);
    return;
  }
  process.stderr.write(`API key: ${describeApiKey(facts)}\n`);
  process.stdout.write(`${token}\n`);
}
