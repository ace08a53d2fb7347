/**
 * SDK releases installed into the cache from the registry: a release that does not exist, or
 * that installs but does not load on this Node, is one line and leaves nothing in the cache; two
 * runs installing the same release at once both get it; a cached release needs no registry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSdk } from './sdk';

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/temporal-tls-harness.js');
let cache: string;
const saved = process.env.TLS_HARNESS_CACHE_DIR;

beforeEach(() => {
  cache = mkdtempSync(path.join(os.tmpdir(), 'tls-harness-sdk-cache-'));
  process.env.TLS_HARNESS_CACHE_DIR = cache;
});
afterEach(() => {
  rmSync(cache, { recursive: true, force: true });
  if (saved === undefined) delete process.env.TLS_HARNESS_CACHE_DIR;
  else process.env.TLS_HARNESS_CACHE_DIR = saved;
});

const cached = () => (existsSync(path.join(cache, 'sdk')) ? readdirSync(path.join(cache, 'sdk')) : []);

function matrix(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'matrix', '--family', 'baseline', ...args], {
    env: { ...process.env, TLS_HARNESS_CACHE_DIR: cache, TLS_HARNESS_QUIET: '1' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: run.status, stderr: run.stderr.trim() };
}

test('a release that was never published: one line naming its neighbours, nothing cached', () => {
  const { status, stderr } = matrix('--sdk', '1.11.4');
  expect(status).toBe(1);
  expect(stderr).toBe('error: SDK 1.11.4 is not published: the nearest releases are 1.11.3 and 1.11.5 (npm view @temporalio/worker versions)');
  expect(cached()).toEqual([]);
});

test('a release that installs but does not load on this Node: one line, nothing cached', () => {
  // 1.8.x installs, then fails to load: its @opentelemetry/api range now resolves to a release without a path it imports.
  const { status, stderr } = matrix('--sdk', '1.8.6');
  expect(status).toBe(1);
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).toMatch(new RegExp(`^error: SDK 1\\.8\\.6 installs but does not load on Node ${process.versions.node.replace(/\./g, '\\.')}: `));
  expect(cached()).toEqual([]);
}, 240_000);

test('not a version at all: one line before anything is looked up', () => {
  const { status, stderr } = matrix('--sdk', 'latest');
  expect(status).toBe(1);
  expect(stderr).toMatch(/^error: --sdk "latest" is not a release version: give an exact one such as 1\.11\.5/);
  expect(cached()).toEqual([]);
});

test('two runs installing one release at once both get it complete; once cached, no registry is asked', async () => {
  const [first, second] = await Promise.all([ensureSdk('1.11.5'), ensureSdk('1.11.5')]);
  expect(first).toEqual(second);
  expect(cached()).toEqual(['1.11.5']); // no staging folder left behind
  const worker = require(path.join(first.dir, 'node_modules/@temporalio/worker/package.json'));
  expect(worker.version).toBe('1.11.5');
  // With npm off the PATH, a second call can only succeed from the cache.
  const path_ = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await expect(ensureSdk('1.11.5')).resolves.toEqual(first);
  } finally {
    process.env.PATH = path_;
  }
}, 240_000);
