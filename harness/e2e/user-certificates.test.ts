/**
 * `matrix` on certificates the harness did not make: an openssl-made CA, server certificate and
 * EC client key. Every scenario that can use them runs against servers presenting them; the
 * others are reported as not applied, each with its reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeOpensslPki } from '../serve/openssl-pki';
import { SCENARIOS } from '../../scenarios';

const CLI = [path.join(__dirname, '..', '..', 'bin', 'temporal-tls-harness.js')];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'user-certs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('runs what applies on openssl-made certificates and says what it could not apply', () => {
  const pki = makeOpensslPki(dir, 'DNS:localhost,IP:127.0.0.1');
  const report = path.join(dir, 'report.json');
  const run = spawnSync(
    process.execPath,
    [
      ...CLI, 'matrix', '--family', 'baseline', 'client-cert',
      '--server-cert', pki.server.cert, '--server-key', pki.server.key, '--ca', pki.ca,
      '--client-cert', pki.client.cert, '--client-key', pki.client.key, '--json', report,
    ],
    { encoding: 'utf8', env: { ...process.env, TLS_HARNESS_QUIET: '1' }, timeout: 180_000 },
  );
  expect(run.stderr).toBe('');
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const notApplied = Object.fromEntries(json.notApplied.map((n: { scenario: string; reason: string }) => [n.scenario, n.reason]));
  // The suite's own plain server (jest's global set-up) holds port 7233 meanwhile.
  expect(notApplied).toEqual({
    'address-without-port': 'dials the default port 7233, which another process holds on this machine',
    'client-cert-expired': `needs the harness's "clientExpired" certificate, which your CA did not issue`,
    'client-cert-server-auth-only': `needs the harness's "clientServerAuthOnly" certificate, which your CA did not issue`,
    'v1-client-cert': `needs the harness's "clientV1" certificate, which your CA did not issue`,
  });
  const failed = json.cells.filter((cell: { passed: boolean }) => !cell.passed);
  expect(failed).toEqual([]);
  const selected = SCENARIOS.filter((scenario) => scenario.family === 'baseline' || scenario.family === 'client-cert');
  expect(json.cells).toHaveLength(2 * (selected.length - Object.keys(notApplied).length));
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Not applied:');
}, 200_000);
