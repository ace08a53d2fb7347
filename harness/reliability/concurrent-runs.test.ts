/**
 * Two whole matrix runs started at the same moment on one machine, as two CI jobs would be:
 * both must pass, neither may sweep the other's containers, and nothing either prints or writes
 * may hold a piece of any private key or token of either run.
 *
 * Tokens are minted in memory and never written, so they are found by their shape (a signed
 * JWT) and by their protected header, which is fixed by the run's JWKS key ids; private keys by
 * every 40-character piece of their body, kept for this test with --keep-certs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { containersOf } from '../e2e/containers-of';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'temporal-tls-harness.js');
const PIECE = 40;
/** A signed JWT: base64url header and payload of a JSON object, then a signature. */
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;

interface Run {
  dir: string;
  pid: number;
  status: number | null;
  outputs: Record<string, string>;
}

function startRun(name: string): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `concurrent-${name}-`));
  const reports = { json: path.join(dir, 'out.json'), junit: path.join(dir, 'out.xml'), html: path.join(dir, 'out.html') };
  const args = ['matrix', '--json', reports.json, '--junit', reports.junit, '--html', reports.html, '--certs', path.join(dir, 'certs'), '--keep-certs'];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on('close', (status) => {
      // A run that failed before writing its reports still resolves: its stderr says why.
      const written = Object.fromEntries(Object.entries(reports).map(([kind, file]) => [kind, existsSync(file) ? readFileSync(file, 'utf8') : '']));
      resolve({ dir, pid: child.pid!, status, outputs: { stdout, stderr, ...written } });
    }),
  );
}

/** The start of what a failed run printed after its progress lines: the error, then the server log it carries. */
function whyItFailed(run: Run): string {
  const lines = `${run.outputs.stderr}\n${run.outputs.stdout}`.split('\n');
  return lines.filter((line) => line.trim() && !line.startsWith('[harness]')).join('\n').slice(0, 1500);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** Every 40-character piece of every PEM private key the run kept, line breaks removed. */
function keyPieces(run: Run): Set<string> {
  const pieces = new Set<string>();
  for (const file of filesUnder(path.join(run.dir, 'certs'))) {
    const text = readFileSync(file, 'latin1');
    for (const [, body] of text.matchAll(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----([\s\S]*?)-----END/g)) {
      const flat = body.replace(/\s|Proc-Type:.*|DEK-Info:.*/g, '');
      for (let at = 0; at + PIECE <= flat.length; at++) pieces.add(flat.slice(at, at + PIECE));
    }
  }
  return pieces;
}

/** The base64url protected header every token of the run starts with, one per JWKS key. */
function tokenHeaders(run: Run): string[] {
  const [runDir] = readdirSync(path.join(run.dir, 'certs'));
  const { keys } = JSON.parse(readFileSync(path.join(run.dir, 'certs', runDir, 'auth', 'jwks.json'), 'utf8'));
  return keys.map((key: { alg: string; kid: string }) =>
    Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'JWT' })).toString('base64url'),
  );
}

/** The first piece of `text` (also with whitespace and escaped line breaks removed) that is one of `pieces`. */
function firstPieceIn(text: string, pieces: Set<string>): string | null {
  for (const variant of [text, text.replace(/\\n|\s/g, '')]) {
    for (let at = 0; at + PIECE <= variant.length; at++) {
      if (pieces.has(variant.slice(at, at + PIECE))) return variant.slice(at, at + PIECE);
    }
  }
  return null;
}

let runs: Run[] = [];
beforeAll(async () => {
  runs = await Promise.all([startRun('a'), startRun('b')]);
}, 1_500_000);
afterAll(() => {
  for (const run of runs) rmSync(run.dir, { recursive: true, force: true });
});

test('both runs pass every cell', () => {
  for (const run of runs) {
    expect(run.outputs.json ? 'reports written' : whyItFailed(run)).toBe('reports written');
    const cells: { passed: boolean; scenario: string; stack: string; diagnosis: string; error: string }[] = JSON.parse(run.outputs.json).cells;
    expect(cells.length).toBeGreaterThan(200); // the whole matrix, not a family
    const failed = cells
      .filter((cell) => !cell.passed)
      .map((cell) => `${cell.scenario} [${cell.stack}]: ${cell.diagnosis}: ${cell.error}`);
    expect(failed).toEqual([]);
    expect(run.status).toBe(0);
  }
});

test('neither run leaves a container behind', () => {
  expect(runs.map((run) => containersOf(run.pid))).toEqual([[], []]);
});

test('no output of either run holds a piece of a private key or a token of either run', () => {
  const pieces = new Set(runs.flatMap((run) => [...keyPieces(run)]));
  const headers = runs.flatMap(tokenHeaders);
  // The search has something to find: both runs kept their keys, and the auth family ran.
  expect(pieces.size).toBeGreaterThan(10_000);
  expect(headers.length).toBeGreaterThanOrEqual(4);
  for (const run of runs) {
    expect(run.outputs.json).toContain('API_KEY_EXPIRED');
    for (const [where, text] of Object.entries(run.outputs)) {
      const found = {
        jwt: JWT.exec(text)?.[0] ?? null,
        tokenHeader: headers.find((header) => text.includes(header)) ?? null,
        keyPiece: firstPieceIn(text, pieces),
      };
      expect({ where, ...found }).toEqual({ where, jwt: null, tokenHeader: null, keyPiece: null });
    }
  }
});
