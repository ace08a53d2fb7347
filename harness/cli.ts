#!/usr/bin/env node
/**
 * temporal-tls-harness: prove a Temporal connection setup against a real server, and name the
 * cause when it fails. Each command lives in harness/commands/; this file only wires them up.
 */
import { inspect } from 'node:util';
import { Command, CommanderError } from 'commander';
import { registerApiKeyCommand } from './commands/api-key';
import { registerMatrixCommand } from './commands/matrix';
import { registerMergeReportsCommand } from './commands/merge-reports';
import { registerServeCommand } from './commands/serve';
import { registerValidateCommand } from './commands/validate';
import { HarnessError } from './errors';
import { exitCodeAfterSignal, runCleanups } from './cleanup';

export function buildProgram(): Command {
  const program = new Command('temporal-tls-harness')
    .description('End-to-end checks of Temporal TLS, mTLS, namespace and encryption setups against a real Temporal server.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerMatrixCommand(program);
  registerMergeReportsCommand(program);
  registerServeCommand(program);
  registerValidateCommand(program);
  registerApiKeyCommand(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // Known problems are one line with what to do; anything else is a bug and keeps its stack.
    process.stderr.write(error instanceof HarnessError ? `error: ${error.message}\n` : `${inspect(error)}\n`);
    return 1;
  } finally {
    await runCleanups();
  }
}

/** Run the CLI on this process's arguments and exit with its code (used by bin/, on the compiled dist/, and when this file is run directly). */
export function runCli(): void {
  // grpc-js sets an IP address as the TLS server name when one is dialled, and Node warns about it.
  process.noDeprecation = true;
  void main(process.argv).then((code) => process.exit(exitCodeAfterSignal() ?? code));
}

if (require.main === module) runCli();
