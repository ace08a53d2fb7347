/** What `matrix` does when it runs: the library's matrix, then the table and the report files. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors';
import { runMatrixReport, selectScenarios } from '../library/matrix';
import { renderHtml } from '../matrix/report/html';
import { renderJUnit } from '../matrix/report/junit';
import { toJsonReport } from '../matrix/report/json';
import { renderProgress, renderSummary, renderTable, useColor } from '../matrix/report/table';
import { installQuietRuntime } from '../matrix/run-matrix';
import { checkWritable, writeReport } from './report-files';
import type { UserCertificates } from '../matrix/user-certificates';
import { SLOW_FAMILIES, type Family } from '../matrix/scenario';
import type { NodeMajor } from '../versions/node-majors';
import type { Shard } from '../matrix/shard';

export interface MatrixCommandOptions {
  json?: string;
  junit?: string;
  html?: string;
  scenarios?: string;
  only?: string;
  family?: Family[];
  all?: boolean;
  list?: boolean;
  concurrency?: number;
  certs: string;
  keepCerts?: boolean;
  serverCert?: string;
  serverKey?: string;
  ca?: string;
  clientCa?: string;
  clientCert?: string;
  clientKey?: string;
  serverName?: string;
  sdk?: string[];
  node?: NodeMajor[];
  shard?: Shard;
  reportDir?: string;
}

export async function matrixAction(options: MatrixCommandOptions): Promise<void> {
  if (options.list) {
    // Every scenario the selection names, the slow families' too, marked: a list runs nothing.
    const scenarios = await selectScenarios({ ...options, all: true });
    const family = (name: Family) => (SLOW_FAMILIES.includes(name) ? `${name}*` : name);
    const lines = scenarios.map((s) => `${family(s.family).padEnd(12)} ${s.name.padEnd(38)} ${s.about}`);
    if (scenarios.some((s) => SLOW_FAMILIES.includes(s.family))) lines.push('* a slow family: a run leaves it out unless --family names it or --all is given');
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  const shardReport = options.reportDir && path.join(options.reportDir, options.shard ? `report-${options.shard.index}-of-${options.shard.total}.json` : 'report.json');
  if (options.reportDir) await makeReportDir(options.reportDir);
  for (const file of [options.json, options.junit, options.html, shardReport]) if (file) checkWritable(file);
  installQuietRuntime();
  const progress = process.stderr.isTTY;
  let mismatches = 0;
  const report = await runMatrixReport({
    scenarios: options.scenarios,
    only: options.only,
    family: options.family,
    all: options.all,
    certificates: userCertificates(options),
    concurrency: options.concurrency,
    certsRoot: options.certs,
    keepCerts: options.keepCerts,
    sdk: options.sdk,
    node: options.node,
    shard: options.shard,
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
    shardReport && writeReport(shardReport, JSON.stringify(toJsonReport(report), null, 2)),
    options.junit && writeReport(options.junit, renderJUnit(report)),
    options.html && writeReport(options.html, renderHtml(report)),
  ]);
  process.exitCode = report.summary.failed === 0 ? 0 : 1;
}

/** The certificate options, when any is given; the library checks that they make a whole set. */
function userCertificates(options: MatrixCommandOptions): UserCertificates | undefined {
  const { serverCert, serverKey, ca, clientCa, clientCert, clientKey, serverName } = options;
  if (![serverCert, serverKey, ca, clientCa, clientCert, clientKey].some(Boolean)) return undefined;
  return { serverCert, serverKey, ca, clientCa, clientCert, clientKey, serverName } as UserCertificates;
}

async function makeReportDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new HarnessError(`--report-dir ${path.resolve(dir)} cannot be made a folder (${(error as NodeJS.ErrnoException).code ?? error}): give a folder path`);
  }
}
