/** `matrix`: run the scenario matrix and report it as a table, JSON, JUnit or HTML. */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { SCENARIOS, SERVERS, type HarnessScenario } from '../../scenarios';
import { HarnessError } from '../errors';
import { renderHtml } from '../matrix/report/html';
import { renderJUnit } from '../matrix/report/junit';
import { renderProgress, renderSummary, renderTable, useColor } from '../matrix/report/table';
import { toJsonReport } from '../matrix/report/json';
import { DEFAULT_CONCURRENCY, installQuietRuntime, runMatrix } from '../matrix/run-matrix';
import type { Family } from '../matrix/scenario';
import { applicableScenarios, UserCertificates, userFleetCertificates } from '../matrix/user-certificates';
import { readUserCertificates } from '../serve/inputs';

interface MatrixOptions {
  json?: string;
  junit?: string;
  html?: string;
  only?: string;
  family?: Family[];
  list?: boolean;
  concurrency: number;
  certs: string;
  keepCerts?: boolean;
  serverCert?: string;
  serverKey?: string;
  ca?: string;
  clientCa?: string;
  clientCert?: string;
  clientKey?: string;
  serverName?: string;
}

const FAMILIES: Family[] = ['baseline', 'server-cert', 'client-cert', 'protocol', 'pem', 'namespace', 'encryption'];

export function registerMatrixCommand(program: Command): void {
  program
    .command('matrix')
    .description('Run every scenario through the client and the worker against real Temporal servers.')
    .option('--json <file>', 'write the results as JSON')
    .option('--junit <file>', 'write the results as JUnit XML')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--only <pattern>', 'run only scenarios whose name matches this regular expression')
    .addOption(new Option('--family <name...>', 'run only these families').choices(FAMILIES))
    .option('--list', 'list the scenarios and exit')
    .option('--concurrency <n>', 'cells in flight at once', parsePositiveInt, DEFAULT_CONCURRENCY)
    .option('--certs <dir>', 'folder for the minted PKI', 'certs')
    .option('--keep-certs', 'keep the minted PKI after the run')
    .option('--server-cert <file>', 'run on your own certificates: the server certificate (chain) PEM')
    .option('--server-key <file>', "your server certificate's private key")
    .option('--ca <file>', 'the CA clients trust for your server certificate')
    .option('--client-ca <file>', 'the CA your server trusts for client certificates (default: --ca)')
    .option('--client-cert <file>', 'your client certificate, for the mTLS scenarios')
    .option('--client-key <file>', "your client certificate's private key")
    .option('--server-name <name>', 'the name clients verify your server as, if its certificate does not cover localhost')
    .action(async (options: MatrixOptions) => {
      const scenarios = selectScenarios(options);
      if (options.list) {
        process.stdout.write(scenarios.map((s) => `${s.family.padEnd(12)} ${s.name.padEnd(34)} ${s.about}`).join('\n') + '\n');
        return;
      }
      process.exitCode = await runAndReport(scenarios, options);
    });
}

function selectScenarios(options: MatrixOptions): HarnessScenario[] {
  let pattern: RegExp | undefined;
  try {
    pattern = options.only ? new RegExp(options.only) : undefined;
  } catch {
    throw new HarnessError(`--only "${options.only}" is not a valid regular expression`);
  }
  const selected = SCENARIOS.filter(
    (scenario) => (!pattern || pattern.test(scenario.name)) && (!options.family || options.family.includes(scenario.family)),
  );
  if (selected.length === 0) throw new HarnessError('no scenario matches --only/--family: run with --list to see the names');
  return selected;
}

async function runAndReport(selected: HarnessScenario[], options: MatrixOptions): Promise<number> {
  for (const file of [options.json, options.junit, options.html]) if (file) checkWritable(file);
  const user = userCertificates(options);
  const { applied: scenarios, notApplied } = user
    ? applicableScenarios(selected, SERVERS, user)
    : { applied: selected, notApplied: [] };
  if (scenarios.length === 0) throw new HarnessError('no selected scenario can run on these certificates: see --list and the options');
  installQuietRuntime();
  const progress = process.stderr.isTTY;
  let mismatches = 0;
  const report = await runMatrix(scenarios, SERVERS, {
    certsRoot: options.certs,
    keepCerts: options.keepCerts,
    concurrency: options.concurrency,
    notApplied,
    ...(user ? { certificates: userFleetCertificates(user) } : {}),
    onCell: (cell, done, total) => {
      if (!cell.passed) mismatches++;
      if (progress) process.stderr.write(`\r${renderProgress(done, total, mismatches)}`);
    },
  });
  if (progress) process.stderr.write('\n');
  const color = useColor(process.stdout);
  process.stdout.write(`${renderTable(report, { color })}\n${renderSummary(report)}\n`);
  await Promise.all([
    options.json && writeReport(options.json, JSON.stringify(toJsonReport(report), null, 2)),
    options.junit && writeReport(options.junit, renderJUnit(report)),
    options.html && writeReport(options.html, renderHtml(report)),
  ]);
  return report.summary.failed === 0 ? 0 : 1;
}

/** The user's certificates, checked, when any certificate option is given. */
function userCertificates(options: MatrixOptions): UserCertificates | undefined {
  const checked = readUserCertificates('mtls', {
    serverCert: options.serverCert,
    serverKey: options.serverKey,
    ca: options.ca,
    clientCa: options.clientCa || options.ca ? [options.clientCa ?? options.ca!] : undefined,
    clientCert: options.clientCert,
    clientKey: options.clientKey,
  });
  if (!checked) return undefined;
  return {
    serverCert: checked.serverCert,
    serverKey: checked.serverKey,
    ca: checked.ca,
    clientCa: checked.clientCas[0],
    clientCert: checked.client?.cert,
    clientKey: checked.client?.key,
    serverName: options.serverName,
  };
}

/** Fail before a minute of work, not after it, when a report cannot be written. */
function checkWritable(file: string): void {
  const folder = path.dirname(path.resolve(file));
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new HarnessError(`cannot write a report into ${folder}: create that folder or choose another path`);
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new HarnessError(`${path.resolve(file)} is a directory: give a file path for the report`);
  }
}

async function writeReport(file: string, content: string): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (error) {
    throw new HarnessError(`cannot write ${path.resolve(file)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new HarnessError(`"${value}" is not a positive whole number`);
  return parsed;
}
