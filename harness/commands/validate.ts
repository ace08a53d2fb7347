/** `validate`: check one connection setup offline, then live through both SDK stacks. */
import { Command } from 'commander';
import { collect, collectNodeMajor, parseDuration } from './options';
import type { ValidateFlags } from './validate-action';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a Temporal TLS/mTLS setup: its PEM files offline, then a real connection through the client and the worker stack. ' +
        'Settings come from flags, else TEMPORAL_* environment variables (samples or envconfig names), else an envconfig profile.',
    )
    .option('--address <host:port>', 'frontend address (default localhost:7233)')
    .option('--namespace <name>', 'namespace to describe (default "default")')
    .option('--ca <file>', "CA certificate that issued the server's certificate (PEM)")
    .option('--cert <file>', 'client certificate, optionally followed by its chain (PEM)')
    .option('--key <file>', 'private key of the client certificate (PEM)')
    .option('--server-name <name>', 'server name override: the name the server certificate must carry')
    .option('--tls', 'speak TLS with the system roots and nothing else, as tls: true (SDK) and --tls (temporal CLI) do')
    .option('--api-key <key>', 'API key (JWT) to connect with; else TEMPORAL_CLIENT_API_KEY, TEMPORAL_API_KEY or the profile api_key')
    .option('--profile <name>', 'read the settings from this envconfig profile (TEMPORAL_CONFIG_FILE or the default file)')
    .option('--offline', 'check the files only: no connection to the server')
    .option('--fix-output <dir>', 'write repaired copies of damaged PEM files to this folder (never over the originals)')
    .option('--sdk <version>', 'also probe with this SDK release (repeatable; installed into the cache once)', collect)
    .option('--node <major>', 'probe on this Node release: 20, 22, 24, 25 or 26 (repeatable)', collectNodeMajor)
    .option(
      '--hold <duration>',
      'then hold a client and a worker connected for this long (90s, 2m, 1h) through your network, and name what cuts or refuses them; starts workflows on a task queue of its own in the namespace',
      parseDuration,
    )
    .option('--json', 'print { ok, source, findings, probes } as JSON (and the hold\'s timeline with --hold)')
    .action(async (flags: ValidateFlags) => (await import('./validate-action')).validateAction(flags));
}
