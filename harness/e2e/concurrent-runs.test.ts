/**
 * Two full matrix runs started at the same moment on this machine (the real CLI, each from its
 * own empty project folder, every report format): both pass, neither sweeps the other, and
 * neither leaves anything behind. The same runs are the secrets test: no 40-character piece of
 * any private key the runs minted appears in anything they printed or wrote.
 *
 * Port 7233 can be held by one of them at most. Whether it was free is checked just before the
 * start: if it was, exactly one run must have run the scenarios that dial it and the other must
 * report them as not applied with the reason; if something else held it, both must. (On a
 * shared machine another process can take the port between the check and the start: the test
 * then fails, loudly, as COMMON.md expects.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SCENARIOS } from '../../scenarios';
import { OWNER_PID_LABEL } from '../env/labels';
import { portIsFree } from '../server/fleet';

jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'temporal-tls-harness.js');
const DEFAULT_PORT = 7233;
const ON_DEFAULT_PORT = SCENARIOS.filter((scenario) => scenario.client.address === 'no-port').map((s) => s.name);
const REPORTS = ['report.json', 'report.xml', 'report.html'];

interface Finished {
  pid: number;
  project: string;
  code: number | null;
  /** Everything the run printed and wrote, by where it came from. */
  outputs: Record<string, string>;
  report: { cells: { scenario: string; passed: boolean }[]; notApplied: { scenario: string; reason: string }[] };
}

/** A full matrix run; the first one keeps its PKI (in a folder of the test's) so its keys can be read. */
async function fullMatrix(project: string, keepCertsIn?: string): Promise<Finished> {
  const args = ['matrix', '--json', REPORTS[0], '--junit', REPORTS[1], '--html', REPORTS[2]];
  if (keepCertsIn) args.push('--keep-certs', '--certs', keepCertsIn);
  const child = spawn(process.execPath, [CLI, ...args], { cwd: project, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const outputs: Record<string, string> = { stdout, stderr };
  for (const report of REPORTS) outputs[report] = await readFile(path.join(project, report), 'utf8').catch(() => '');
  return { pid: child.pid!, project, code, outputs, report: JSON.parse(outputs['report.json'] || '{"cells":[],"notApplied":[]}') };
}

const PIECE = 40;

/** Every 40-character piece of the base64 body of every private key file in `dir`. */
async function keyPieces(dir: string): Promise<Set<string>> {
  const pieces = new Set<string>();
  const keyFiles = (await readdir(dir)).filter((name) => name.endsWith('.key'));
  expect(keyFiles.length).toBeGreaterThan(10); // the harness PKI: servers, clients, CAs' keys
  for (const name of keyFiles) {
    const body = (await readFile(path.join(dir, name), 'utf8'))
      .split('\n')
      .filter((line) => !line.startsWith('-----') && !line.includes(':'))
      .join('')
      .replace(/\s/g, '');
    for (let i = 0; i + PIECE <= body.length; i++) pieces.add(body.slice(i, i + PIECE));
  }
  return pieces;
}

/** Pieces found in `text`, also where line breaks (real or escaped as \n in JSON) split a key. */
function leakedPieces(text: string, pieces: Set<string>): string[] {
  const joined = text.replace(/\\[nr]/g, '').replace(/\s/g, '');
  const found = new Set<string>();
  for (let i = 0; i + PIECE <= joined.length; i++) {
    const piece = joined.slice(i, i + PIECE);
    if (pieces.has(piece)) found.add(piece);
  }
  return [...found];
}

function containersOf(pid: number): number {
  const listed = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=${OWNER_PID_LABEL}=${pid}`], { encoding: 'utf8' });
  expect(listed.status).toBe(0);
  return listed.stdout.split('\n').filter(Boolean).length;
}

let scratch: string;
let keptCerts: string;
let runs: Finished[];
let portWasFree: boolean;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'concurrent-runs-'));
  keptCerts = path.join(scratch, 'kept-certs');
  const projects = await Promise.all(['a', 'b'].map((name) => mkdtemp(path.join(scratch, `project-${name}-`))));
  portWasFree = await portIsFree(DEFAULT_PORT);
  runs = await Promise.all([fullMatrix(projects[0], keptCerts), fullMatrix(projects[1])]);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

test('both runs pass every cell they ran', () => {
  for (const run of runs) {
    const failed = run.report.cells.filter((cell) => !cell.passed).map((cell) => cell.scenario);
    // The run's own words when it did not finish well.
    const stderr = run.code === 0 ? '' : run.outputs.stderr.slice(-3000);
    expect({ code: run.code, failed, stderr }).toEqual({ code: 0, failed: [], stderr: '' });
  }
});

test('port 7233: one run at most had it, and a run without it says so instead of failing', () => {
  const ranIt = runs.map((run) => ON_DEFAULT_PORT.every((name) => run.report.cells.some((cell) => cell.scenario === name)));
  for (const [i, run] of runs.entries()) {
    const notApplied = run.report.notApplied.filter((entry) => ON_DEFAULT_PORT.includes(entry.scenario));
    if (ranIt[i]) expect(notApplied).toEqual([]);
    else expect(notApplied.map((entry) => [entry.scenario, entry.reason])).toEqual(
      ON_DEFAULT_PORT.map((name) => [name, expect.stringContaining(`default port ${DEFAULT_PORT}, which another process holds`)]),
    );
  }
  expect({ portWasFree, runsThatHadIt: ranIt.filter(Boolean).length }).toEqual({ portWasFree, runsThatHadIt: portWasFree ? 1 : 0 });
});

test('every other scenario ran in both runs', () => {
  for (const run of runs) {
    const ran = new Set(run.report.cells.map((cell) => cell.scenario));
    expect(SCENARIOS.filter((s) => !ran.has(s.name) && !ON_DEFAULT_PORT.includes(s.name)).map((s) => s.name)).toEqual([]);
  }
});

test('nothing left behind: no container of either run, only the reports in each project', async () => {
  for (const run of runs) {
    expect(containersOf(run.pid)).toBe(0);
    expect((await readdir(run.project)).sort()).toEqual([...REPORTS].sort());
  }
});

test('secrets: no 40-character piece of any private key of the run in its terminal output or any report', async () => {
  const [keeping] = runs;
  const [pkiFolder] = await readdir(keptCerts);
  const pieces = await keyPieces(path.join(keptCerts, pkiFolder));
  // The detector itself finds a key that is there, even JSON-escaped.
  const someKey = await readFile(path.join(keptCerts, pkiFolder, 'client.key'), 'utf8');
  expect(leakedPieces(JSON.stringify({ error: someKey }), pieces).length).toBeGreaterThan(10);
  const leaks = Object.entries(keeping.outputs).flatMap(([where, text]) => {
    expect(text.length).toBeGreaterThan(0); // every output was produced
    return leakedPieces(text, pieces).map((piece) => `${where}: ${piece}`);
  });
  expect(leaks).toEqual([]);
});
