/**
 * Reading a file the user named (a certificate, a key, a CA): what can go wrong before its
 * content is even looked at, each as one line saying what to fix. Shared by every command that
 * takes the user's files.
 */
import { readFileSync, statSync } from 'node:fs';
import { HarnessError } from '../errors';

/** Why a file cannot be read, as the one thing to fix. */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'does not exist: check the path',
  EACCES: 'cannot be read (permission denied): fix its permissions or run as its owner',
  EPERM: 'cannot be read (operation not permitted): fix its permissions',
  ENOTDIR: 'does not exist (a part of the path is not a folder): check the path',
};

/** The bytes of `file`, or a HarnessError naming it as `label` (e.g. "--ca /path/ca.pem"). */
export function readInputFile(label: string, file: string): Buffer {
  try {
    if (statSync(file).isDirectory()) {
      throw new HarnessError(`${label} is a directory, not a file: give the path of the PEM file inside it`);
    }
    return readFileSync(file);
  } catch (error) {
    if (error instanceof HarnessError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new HarnessError(`${label} ${READ_ERRORS[code] ?? `cannot be read (${code || String(error)})`}`);
  }
}
