/**
 * npm packages installed into the harness's cache, outside the repository: once per key, reused
 * afterwards, safe when two runs install the same key at once. Each install goes to a staging
 * folder of its own and is renamed into place only when it has been checked, so the final folder
 * exists only complete; a failed or interrupted install leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheDir } from '../env/cache';
import { HarnessError } from '../errors';
import { processAlive } from '../env/process-alive';

/** `<name>.<pid>-<random>.tmp`: a staging folder and the process that owns it. */
const STAGING = /^.+\.(\d+)-[0-9a-f]{8}\.tmp$/;

export function cacheFolder(kind: string, key: string): string {
  return path.join(cacheDir(), kind, key);
}

/**
 * The folder of `kind/key`, installing `dependencies()` there first unless it already exists
 * (they are looked up only then, so a cached install asks the registry nothing).
 * `check` runs on the staging folder before it is kept; it throws a HarnessError to refuse it.
 */
export async function installOnce(
  kind: string,
  key: string,
  dependencies: () => Promise<Record<string, string>>,
  check: (folder: string) => Promise<void>,
): Promise<string> {
  const folder = cacheFolder(kind, key);
  if (existsSync(folder)) return folder;
  await sweepStaleStaging(path.dirname(folder));
  const wanted = await dependencies();
  const staging = `${folder}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(path.join(staging, 'package.json'), `${JSON.stringify({ private: true, dependencies: wanted }, null, 2)}\n`);
    await npmInstall(staging);
    await check(staging);
    await rename(staging, folder).catch((error: NodeJS.ErrnoException) => {
      // Another run finished the same install first; its folder is as good as ours.
      if (!existsSync(folder)) throw error;
    });
    return folder;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Staging folders whose process is gone (killed mid-install) are removed. */
async function sweepStaleStaging(parent: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(
    entries.map(async (entry) => {
      const owner = STAGING.exec(entry)?.[1];
      if (owner && !processAlive(Number(owner))) await rm(path.join(parent, entry), { recursive: true, force: true });
    }),
  );
}

/** `npm install` of the folder's package.json, from the registry npm is configured with. */
async function npmInstall(folder: string): Promise<void> {
  const { code, output } = await run('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--loglevel=error']);
  if (code !== 0) {
    const lines = output.split('\n');
    // "notarget No matching version found for X@V" names the package; the code line only its kind.
    const reason = lines.find((line) => /notarget|404 /.test(line)) ?? lines.find((line) => /npm error code/.test(line)) ?? lines.filter(Boolean).pop();
    throw new HarnessError(`npm install into the cache failed (${reason?.replace(/^npm error (notarget )?/, '').trim()}): check the registry with "npm ping"`);
  }
}

/** Run a command; its stdout and stderr together, and its exit code. */
export function run(command: string, args: string[], options: { cwd?: string } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: 127, output: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
