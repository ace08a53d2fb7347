/**
 * The Temporal server binary: `go install`ed once per version into the cache, static (no cgo,
 * pure-Go SQLite), so it runs in an image built FROM scratch.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheDir } from './cache';
import { claimFolder } from './owned';
import { HarnessError } from '../errors';
import { log, withElapsedTime } from '../log';
import { lastLines, runCommand } from './run-command';

/**
 * The newest server release that builds with this machine's Go 1.26.8 (v1.31.5 and v1.32.2 ask
 * for Go 1.26.10). Override with TEMPORAL_SERVER_VERSION.
 */
export const DEFAULT_SERVER_VERSION = 'v1.32.1';

export interface ServerBinary {
  version: string;
  path: string;
  /** sha256 of the binary, so images built from it can be tagged by content. */
  sha256: string;
}

export function serverVersion(): string {
  return process.env.TEMPORAL_SERVER_VERSION || DEFAULT_SERVER_VERSION;
}

/** Return the cached binary for the pinned version, building it first if it is not there. */
export async function ensureServerBinary(version = serverVersion()): Promise<ServerBinary> {
  if (!/^v\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
    throw new HarnessError(`TEMPORAL_SERVER_VERSION "${version}" is not a release tag like ${DEFAULT_SERVER_VERSION}`);
  }
  const dir = path.join(cacheDir(), 'server', `${version}${SERVER_BUILD.cacheSuffix}`);
  const binary = path.join(dir, 'server');
  const digestFile = `${binary}.sha256`;
  if (existsSync(binary) && existsSync(digestFile)) {
    return { version, path: binary, sha256: (await readFile(digestFile, 'utf8')).trim() };
  }
  await goInstall(version, dir);
  const sha256 = await fileSha256(binary);
  await writeFile(digestFile, `${sha256}\n`);
  return { version, path: binary, sha256 };
}

/**
 * Linked without the symbol table and DWARF (`-s -w`): the same server, a smaller binary, a
 * cheaper link and image. Only the link changes, so a warm Go build cache rebuilds in a minute;
 * the suffix keeps such a binary apart from one built otherwise.
 */
const SERVER_BUILD = { ldflags: '-s -w', cacheSuffix: '-stripped' };

async function goInstall(version: string, dir: string): Promise<void> {
  await goInstallBinary({
    what: 'Temporal server',
    modulePath: 'go.temporal.io/server/cmd/server',
    binary: 'server',
    version,
    dir,
    ldflags: SERVER_BUILD.ldflags,
  });
}

export interface GoBinary {
  /** For messages, e.g. "Temporal server". */
  what: string;
  /** The package `go install` builds, without the version. */
  modulePath: string;
  /** The name go gives the binary (the package's last element). */
  binary: string;
  version: string;
  dir: string;
  /** Passed to the linker (`go install -ldflags`). */
  ldflags?: string;
}

/** `go install` a static binary into `dir` (a scratch folder renamed into place, so a build cut short leaves nothing half-made). */
export async function goInstallBinary({ what, modulePath, binary, version, dir, ldflags }: GoBinary): Promise<void> {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new HarnessError(
      `Go is not installed, and the ${what} is built with it: install Go 1.26 or newer${what === 'Temporal server' ? ', or set TLS_HARNESS_SERVER_IMAGE to a published image' : ''}`,
    );
  }
  await mkdir(dir, { recursive: true });
  // Build into a scratch folder and rename, so an interrupted build never leaves a half binary;
  // claimed, so that a build killed midway leaves nothing either (the next run sweeps it).
  const staging = path.join(dir, `.build-${process.pid}`);
  const releaseStaging = claimFolder(staging);
  const started = Date.now();
  log(`building ${what} ${version} with "go install" (minutes, once)`);
  const build = runCommand('go', ['install', ...(ldflags ? [`-ldflags=${ldflags}`] : []), `${modulePath}@${version}`], {
    ...process.env,
    CGO_ENABLED: '0',
    GOBIN: staging,
  });
  const { code, stderr } = await withElapsedTime(`building ${what} ${version}`, build);
  if (code !== 0) {
    releaseStaging();
    throw new HarnessError(`"go install ${modulePath}@${version}" failed: ${lastLines(stderr, 3)}`);
  }
  await rename(path.join(staging, binary), path.join(dir, binary));
  releaseStaging();
  log(`built ${what} ${version} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
