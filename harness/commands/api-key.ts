/** `api-key`: mint a token for a server that `serve --auth api-key` started with a certificates folder. */
import { Command, Option } from 'commander';
import { parseDuration, parseInstantFromNow } from '../auth/durations';
import { collect } from './options';
import type { ApiKeyCommandOptions } from './api-key-action';

export function registerApiKeyCommand(program: Command): void {
  program
    .command('api-key')
    .description(
      'Mint an API key (JWT) for a server that "serve --auth api-key" started: the token goes to stdout, what it grants to stderr.',
    )
    .requiredOption('--certs <dir>', 'the certificates folder of that serve (it holds auth/ with the signing keys)')
    .requiredOption('--namespace <name>', 'grant the role on this namespace (repeatable; temporal-system for cluster-wide)', collect)
    .addOption(new Option('--role <role>', 'the role on each namespace').choices(['read', 'write', 'worker', 'admin']).makeOptionMandatory())
    .option('--expires-in <duration>', 'lifetime: 90s, 10m, 1h, 7d; -5m for one already expired', (value) => parseDuration(value, '--expires-in'), 3600)
    .option('--not-before <when>', 'nbf: a duration from now (10m) or a date', (value) => parseInstantFromNow(value, '--not-before'))
    .option('--audience <aud>', 'the aud claim (for a server that requires an audience)')
    .option('--subject <sub>', 'the sub claim (default: api-key-<role>)')
    .addOption(new Option('--algorithm <alg>', 'which of the signing keys').choices(['RS256', 'ES256']).default('RS256'))
    .option('--json', 'print { token, claims } as JSON')
    .action(async (options: ApiKeyCommandOptions) => (await import('./api-key-action')).apiKeyAction(options));
}
