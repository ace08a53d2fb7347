/**
 * No API key and no signing key in anything a run prints or writes: the auth family through the
 * CLI, as users run it, with every report; then every output is searched for the signing keys
 * kept from the run and for anything shaped like a JWT.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'temporal-tls-harness.js');
/** A signed JWT: base64url header and payload of a JSON object, then a signature. */
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'secrets-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the auth family writes no token and no signing key to the terminal, JSON, JUnit or HTML', () => {
  const reports = { json: path.join(dir, 'out.json'), junit: path.join(dir, 'out.xml'), html: path.join(dir, 'out.html') };
  const certs = path.join(dir, 'certs');
  const run = spawnSync(
    process.execPath,
    [BIN, 'matrix', '--family', 'auth', '--json', reports.json, '--junit', reports.junit, '--html', reports.html, '--certs', certs, '--keep-certs'],
    { cwd: dir, encoding: 'utf8', timeout: 300_000 },
  );
  expect(run.status).toBe(0);
  const [runDir] = readdirSync(certs);
  const signingKeys = ['rs256.key', 'es256.key', 'unknown-rs256.key'].map((name) =>
    readFileSync(path.join(certs, runDir, 'auth', name), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('-----')),
  );
  const outputs: Record<string, string> = {
    stdout: run.stdout,
    stderr: run.stderr,
    ...Object.fromEntries(Object.entries(reports).map(([kind, file]) => [kind, readFileSync(file, 'utf8')])),
  };
  // The run did exercise keys: the JSON names the auth codes.
  expect(outputs.json).toContain('API_KEY_EXPIRED');
  for (const [where, text] of Object.entries(outputs)) {
    expect([where, JWT.exec(text)?.[0] ?? null]).toEqual([where, null]);
    for (const lines of signingKeys) expect([where, lines.filter((line) => text.includes(line)).length]).toEqual([where, 0]);
  }
}, 320_000);
