/**
 * `matrix`: run the scenario matrix and report it as a table, JSON, JUnit or HTML.
 *
 * The pattern every command follows: this file only declares the command and its options, and
 * imports nothing heavier than commander, so `--help` stays fast; the action loads what it needs
 * (the SDK, testcontainers, ...) when it runs, from `./<command>-action`. The options interface
 * lives in the action file and is imported here as a type only (erased, so nothing loads), which
 * keeps the dependency one-way: the declaration knows the action, never the reverse.
 */
import { Command, Option } from 'commander';
import { FAMILIES, SLOW_FAMILIES } from '../matrix/scenario';
import { parseShard } from '../matrix/shard';
import { collect, collectNodeMajor, parsePositiveInt } from './options';
import type { MatrixCommandOptions } from './matrix-action';

export function registerMatrixCommand(program: Command): void {
  program
    .command('matrix')
    .description('Run every scenario through the client and the worker against real Temporal servers.')
    .option('--json <file>', 'write the results as JSON')
    .option('--junit <file>', 'write the results as JUnit XML')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--scenarios <file>', 'run your own scenarios from a .json, .js or .ts file instead of the built-in ones')
    .option('--only <pattern>', 'run only scenarios whose name matches this regular expression')
    .addOption(new Option('--family <name...>', 'run only these families (the slow ones too, when named)').choices(FAMILIES))
    .option('--all', `also run the slow families (${SLOW_FAMILIES.join(', ')}: connections held for minutes, about 3 min of wall time), which a run leaves out by default`)
    .option('--sdk <version>', 'also run the stacks under test on this SDK release (repeatable; installed into the cache once)', collect)
    .option('--node <major>', 'run the stacks under test on this Node release: 20, 22, 24, 25 or 26 (repeatable)', collectNodeMajor)
    .option('--shard <K/N>', 'run only the K-th of N shares of the selection (each server with all its scenarios), for N machines', parseShard)
    .option('--report-dir <dir>', 'write the JSON report into this folder as report-K-of-N.json (report.json without --shard), for merge-reports')
    .option('--list', 'list the scenarios and exit')
    .option('--concurrency <n>', 'client cells in flight at once (default: 6, shared with other matrix runs on this machine)', parsePositiveInt)
    .option('--certs <dir>', 'folder for the minted PKI', 'certs')
    .option('--keep-certs', 'keep the minted PKI after the run')
    .option('--server-cert <file>', 'run on your own certificates: the server certificate (chain) PEM')
    .option('--server-key <file>', "your server certificate's private key")
    .option('--ca <file>', 'the CA clients trust for your server certificate')
    .option('--client-ca <file>', 'the CA your server trusts for client certificates (default: --ca)')
    .option('--client-cert <file>', 'your client certificate, for the mTLS scenarios')
    .option('--client-key <file>', "your client certificate's private key")
    .option('--server-name <name>', 'the name clients verify your server as, if its certificate does not cover localhost')
    .action(async (options: MatrixCommandOptions) => (await import('./matrix-action')).matrixAction(options));
}
