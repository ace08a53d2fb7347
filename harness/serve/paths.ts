/**
 * Where `serve` writes, checked before anything is written: the folder for the certificates
 * and profile, and the env file. What serve writes into its folder lives only as long as the
 * server (the keys are useless once it is gone), unless the user asks to keep it.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { claimFolder } from '../env/owned';
import { HarnessError } from '../errors';

export interface WorkDir {
  dir: string;
  /**
   * Create the folder as this process's (env/owned.ts), before anything is written into it: if the
   * process dies without `remove`, the next run's sweep removes it.
   */
  claim(): void;
  /** Remove what was written: the folder itself when it was created here, else just its contents. */
  remove(): Promise<void>;
}

/** `requested`, or a fresh `certs/serve-<timestamp>/`; an existing folder must be empty. */
export async function planWorkDir(requested: string | undefined, label = '--certs'): Promise<WorkDir> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.resolve(requested ?? path.join('certs', `serve-${stamp}`));
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new HarnessError(`${label} ${dir} is a file, not a folder`);
  if (existing && (await readdir(dir)).length > 0) {
    throw new HarnessError(`${label} ${dir} already holds files: give a new or empty folder`);
  }
  let release: (() => void) | undefined;
  return {
    dir,
    claim: () => {
      release ??= claimFolder(dir);
    },
    remove: async () => release?.(),
  };
}

/** The absolute path of a file serve will write, if its folder exists and it is not a folder itself. */
export async function planOutputFile(flag: string, file: string): Promise<string> {
  const absolute = path.resolve(file);
  if ((await stat(absolute).catch(() => undefined))?.isDirectory()) {
    throw new HarnessError(`${flag} ${absolute} is a folder: name a file`);
  }
  const parent = await stat(path.dirname(absolute)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new HarnessError(`${flag} ${absolute}: the folder ${path.dirname(absolute)} does not exist`);
  return absolute;
}
