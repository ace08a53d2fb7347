/** Report files: checked before a run spends minutes, written after it, each failure in one line. */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors';

/** Fail before a minute of work, not after it, when a report cannot be written. */
export function checkWritable(file: string): void {
  const folder = path.dirname(path.resolve(file));
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new HarnessError(`cannot write a report into ${folder}: create that folder or choose another path`);
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new HarnessError(`${path.resolve(file)} is a directory: give a file path for the report`);
  }
}

export async function writeReport(file: string, content: string): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (error) {
    throw new HarnessError(`cannot write ${path.resolve(file)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
