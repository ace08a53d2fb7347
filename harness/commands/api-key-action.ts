/** What `api-key` does when it runs: the token alone on stdout (for `$(...)`), its claims on stderr. */
import { describeApiKey, mintApiKey } from '../auth/api-key';
import type { ApiKeyCommandOptions } from './api-key';

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
