/**
 * One run in three shards on the real servers, merged, against the same run whole: the same cells
 * with the same verdicts and divergences, compared on what does not change from run to run
 * (error texts carry ports and times). Each report is checked against the shipped JSON Schema;
 * shards of another run, a missing shard and an unknown schema version are refused in one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { toJsonReport, type MatrixJsonReport } from '../matrix/report/json';
import { mergeShardReports, readShardReports } from '../matrix/report/merge';
import type { MatrixReport } from '../matrix/results';
import { installQuietRuntime } from '../matrix/run-matrix';
import { runMatrixReport, type MatrixSelection } from './matrix';
import { cacheDir } from '../env/cache';

jest.setTimeout(600_000);

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'temporal-tls-harness.js');
const ACTIONLINT = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12';

/** actionlint, from the Go module proxy into the harness's cache, once. */
function actionlint(): string {
  const tools = path.join(cacheDir(), 'tools');
  const binary = path.join(tools, 'actionlint');
  if (!existsSync(binary)) {
    const install = spawnSync('go', ['install', ACTIONLINT], { env: { ...process.env, GOBIN: tools }, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`go install ${ACTIONLINT} failed: ${install.stderr}`);
  }
  return binary;
}
installQuietRuntime();

/** A fault server's turns (a restart, a certificate replaced), a divergent scenario, and servers enough for three shares. */
const SELECTION: MatrixSelection = {
  family: ['faults', 'server-config'],
  only: '^(server-restarted|server-cert-replaced|ca-as-leaf|server-cert-client-auth-only|name-constraints-exclude-host|mtls-not-enforced-valid-cert)$',
};

const schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'schema', 'matrix-report.schema.json'), 'utf8'));
const validateReport = new Ajv({ allErrors: true, formats: { 'date-time': true } }).compile(schema);

/** What two runs of the same cells must share. */
function stable(report: MatrixReport) {
  return report.scenarios.map(({ scenario, family, divergence, cells }) => ({
    scenario,
    family,
    divergence,
    cells: cells.map(({ stack, sdk, node, expected, expectedDiagnosis, actual, diagnosis, passed, divergent, findings }) => ({ stack, sdk, node, expected, expectedDiagnosis, actual, diagnosis, passed, divergent, findings })),
  }));
}

const counts = ({ summary }: MatrixReport) => ({ cells: summary.cells, passed: summary.passed, failed: summary.failed, divergences: summary.divergences });

let dir: string;
let whole: MatrixReport;
const shardFiles: string[] = [];

/** The CLI as a CI job runs it (examples/ci/github-actions.yml), on this test's narrower selection. */
function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, TLS_HARNESS_QUIET: '1' }, encoding: 'utf8' });
}
const SELECTION_FLAGS = ['--family', ...SELECTION.family!, '--only', SELECTION.only!];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'shards-'));
  whole = await runMatrixReport(SELECTION);
  for (const index of [1, 2, 3]) {
    const run = cli(['matrix', ...SELECTION_FLAGS, '--shard', `${index}/3`, '--report-dir', dir]);
    if (run.status !== 0) throw new Error(`matrix --shard ${index}/3 exited ${run.status}: ${run.stderr}`);
    shardFiles.push(path.join(dir, `report-${index}-of-3.json`));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the selection holds a fault server and a divergence, and every shard ran a share', () => {
  expect(whole.scenarios.map(({ scenario }) => scenario)).toEqual(expect.arrayContaining(['server-restarted', 'ca-as-leaf']));
  expect(whole.summary.divergences).toBeGreaterThan(0);
  for (const file of shardFiles) expect((JSON.parse(readFileSync(file, 'utf8')) as MatrixJsonReport).cells.length).toBeGreaterThan(0);
});

test('three shards merged are the run: the same cells, verdicts and divergences, in the same order', () => {
  const merged = mergeShardReports(readShardReports([dir]));
  expect(stable(merged)).toEqual(stable(whole));
  expect(counts(merged)).toEqual(counts(whole));
});

test('every report, whole, shard and merged, is what the shipped schema describes', () => {
  const reports = [toJsonReport(whole), ...shardFiles.map((file) => JSON.parse(readFileSync(file, 'utf8'))), toJsonReport(mergeShardReports(readShardReports([dir])))];
  for (const report of reports) {
    validateReport(report);
    expect(validateReport.errors ?? []).toEqual([]);
  }
});

test('merge-reports, as the CI example runs it: one JUnit and one HTML report of the whole run, exit 0', () => {
  const [junit, html] = [path.join(dir, 'matrix.xml'), path.join(dir, 'matrix.html')];
  const run = cli(['merge-reports', dir, '--junit', junit, '--html', html]);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  expect(readFileSync(junit, 'utf8')).toContain(`tests="${whole.summary.cells}"`);
  expect(readFileSync(html, 'utf8')).toContain('ca-as-leaf');
});

test('the CI example passes actionlint, and its harness commands are the ones this test runs', () => {
  const workflow = path.join(ROOT, 'examples', 'ci', 'github-actions.yml');
  const lint = spawnSync(actionlint(), [workflow], { encoding: 'utf8' });
  expect({ status: lint.status, output: lint.stdout + lint.stderr }).toEqual({ status: 0, output: '' });
  const commands = [...readFileSync(workflow, 'utf8').matchAll(/npx temporal-tls-harness (.+)$/gm)].map(([, command]) => command.replace(/\$\{\{[^}]*\}\}/g, 'K'));
  expect(commands).toEqual(['matrix --shard K/3 --report-dir reports', 'merge-reports shards/* --junit matrix.xml --html matrix.html']);
});

describe('refused in one line', () => {
  const copyOf = (index: number, change: (report: MatrixJsonReport) => MatrixJsonReport): string => {
    const other = mkdtempSync(path.join(dir, 'changed-'));
    const file = path.join(other, `report-${index}-of-3.json`);
    writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(shardFiles[index - 1], 'utf8')))));
    return file;
  };

  test('a --report-dir that cannot be a folder, before anything starts', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    const run = cli(['matrix', '--family', 'baseline', '--shard', '1/2', '--report-dir', file]);
    expect({ status: run.status, stderr: run.stderr.trim().split('\n') }).toEqual({ status: 1, stderr: [`error: --report-dir ${file} cannot be made a folder (EEXIST): give a folder path`] });
  });

  test('a missing shard', () => {
    expect(() => mergeShardReports(readShardReports(shardFiles.slice(0, 2)))).toThrow(/^shard 3 of 3 is missing: its job's report-3-of-3\.json was not given$/);
  });

  test('a shard of another run', () => {
    const other = copyOf(3, (report) => ({ ...report, shard: { ...report.shard!, runKey: 'another-run' } }));
    expect(() => mergeShardReports(readShardReports([...shardFiles.slice(0, 2), other]))).toThrow(/is a shard of another run than .*: merge the shards of one run$/);
  });

  test('a schema version this release does not know', () => {
    const newer = copyOf(2, (report) => ({ ...report, schemaVersion: 2 as 1 }));
    expect(() => readShardReports([newer])).toThrow(/has report schema version 2; this harness reads version 1: merge with the release that wrote it$/);
  });
});
