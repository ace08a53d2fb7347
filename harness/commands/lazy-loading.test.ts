/**
 * `--help` and `validate --offline` must start fast, so they may not load the SDK, testcontainers
 * or the PKI libraries. The CLI runs as users run it (the package's bin on the compiled dist/,
 * which the jest set-up builds), and reports which packages it loaded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'temporal-tls-harness.js');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lazy-loading-'));
  // Preloaded into the CLI's process: on exit, list the packages it loaded.
  writeFileSync(
    path.join(dir, 'list-packages.js'),
    `process.on('exit', () => {
       const names = new Set();
       for (const file of Object.keys(require.cache)) {
         const match = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
         if (match) names.add(match[1].replace(/\\\\/g, '/'));
       }
       require('node:fs').writeFileSync(process.env.LOADED_PACKAGES_FILE, JSON.stringify([...names].sort()));
     });`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function packagesLoadedBy(args: string[]): { packages: string[]; status: number | null } {
  const out = path.join(dir, `${args.join('-').replace(/\W/g, '_')}.json`);
  const run = spawnSync(process.execPath, ['--require', path.join(dir, 'list-packages.js'), BIN, ...args], {
    cwd: dir,
    env: { ...process.env, LOADED_PACKAGES_FILE: out },
    encoding: 'utf8',
  });
  return { packages: JSON.parse(readFileSync(out, 'utf8')), status: run.status };
}

test('--help loads commander and nothing else', () => {
  expect(packagesLoadedBy(['--help'])).toEqual({ packages: ['commander'], status: 0 });
  expect(packagesLoadedBy(['matrix', '--help'])).toEqual({ packages: ['commander'], status: 0 });
});

test('validate --offline loads neither SDK stack nor testcontainers', () => {
  const { packages, status } = packagesLoadedBy(['validate', '--offline', '--address', 'localhost:7233']);
  expect(status).toBe(0);
  expect(packages).toContain('commander');
  for (const heavy of ['@temporalio/client', '@temporalio/worker', '@grpc/grpc-js', 'testcontainers']) {
    expect(packages).not.toContain(heavy);
  }
});
