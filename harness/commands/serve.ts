/**
 * `serve`: one real Temporal server (plain, TLS or mTLS) that stays up until Ctrl-C or SIGTERM,
 * with the client settings printed ready to paste, so an application can be tried against it.
 */
import { Command, Option } from 'commander';
import { collect, parseListenAddress, parsePort } from './options';
import type { ServeCommandOptions } from './serve-action';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start one Temporal server and keep it running until Ctrl-C; print the settings a client needs.')
    .addOption(new Option('--mode <mode>', 'what the frontend asks of clients').choices(['plain', 'tls', 'mtls']).makeOptionMandatory())
    .addOption(new Option('--auth <kind>', 'authorization: api-key turns on JWT API keys (with --mode tls or mtls)').choices(['api-key']))
    .option('--namespace <name>', 'register this namespace (repeatable; default: default)', collect)
    .option('--port <n>', 'publish the frontend on this host port (default: 7233 when free, else a random one)', parsePort)
    .option('--listen <address>', 'publish on this address of the machine too, not on loopback alone (0.0.0.0: every interface; whoever reaches it can use the server)', parseListenAddress)
    .option('--certs <dir>', 'folder for the minted certificates and the profile (default: certs/serve-<timestamp>)')
    .option('--keep-certs', 'keep that folder when the server stops')
    .option('--server-cert <file>', 'serve your own certificate (PEM, leaf first)')
    .option('--server-key <file>', 'the key of --server-cert')
    .option('--ca <file>', 'the CA clients verify --server-cert with')
    .option('--client-ca <file>', 'with --mode mtls: a CA whose client certificates the server accepts (repeatable)', collect)
    .option('--client-cert <file>', 'your client certificate, for the printed settings')
    .option('--client-key <file>', 'the key of --client-cert')
    // Not --env-file: node itself claims that flag even after the script name and exits with
    // "node: <file>: not found" before the CLI runs (nodejs/node#54232), the usual case for an output file.
    .option('--write-env <file>', 'also write the settings as KEY=value lines (an env file)')
    .option('--json', 'print one JSON line to stdout once the server is serving; the rest goes to stderr')
    .action(async (options: ServeCommandOptions) => (await import('./serve-action')).serveAction(options));
}
