/**
 * `--fix-output DIR`: repaired copies of the damaged PEM files, and PEM copies of DER, PKCS#12
 * (without a password) and double-encoded ones, written beside nothing the user
 * owns. A copy is planned before any check runs (so findings can point to it) and written only
 * when the setup was read without error; an original is never overwritten. Keys are 0600.
 */
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors';
import { writeSecret } from '../pki/harness-pki';
import { pemFileName } from '../pki/encodings';
import { repairPem } from '../pki/pem-damage';
import { repairable } from './lint';
import type { PemInput, PemInputs } from './pem-input';
import type { PemRole } from './settings';

/** File names for PEMs that came as envconfig data, not from a file. */
const DATA_NAMES: Record<PemRole, string> = { ca: 'ca.pem', cert: 'client.pem', key: 'client.key' };

const needsRepair = (input: PemInput) => input.converted !== undefined || (repairable(input) && repairPem(input.text) !== input.text);

/** A repaired copy keeps the file's name; a converted one (DER, PKCS#12, base64) gets its PEM name. */
function copyName(input: PemInput): string {
  if (input.origin.kind !== 'file') return DATA_NAMES[input.role];
  const name = path.basename(input.origin.path);
  return input.converted ? pemFileName(name, input.role === 'key' ? 'key' : 'cert') : name;
}

/** Where each damaged input's repaired copy goes in `dir`. */
export async function planRepairs(inputs: PemInputs, dir: string | undefined): Promise<Map<PemRole, string>> {
  const plan = new Map<PemRole, string>();
  if (dir === undefined) return plan;
  const damaged = Object.values(inputs).filter(needsRepair);
  const names = damaged.map(copyName);
  for (const [index, input] of damaged.entries()) {
    const clash = names.indexOf(names[index]) !== names.lastIndexOf(names[index]);
    plan.set(input.role, path.resolve(dir, clash ? `${input.role}-${names[index]}` : names[index]));
  }
  await refuseOverwritingOriginals(plan, inputs);
  return plan;
}

async function refuseOverwritingOriginals(plan: Map<PemRole, string>, inputs: PemInputs): Promise<void> {
  const originals = await Promise.all(
    Object.values(inputs).map((input) => (input.origin.kind === 'file' ? canonical(input.origin.path) : undefined)),
  );
  for (const copy of plan.values()) {
    if (originals.includes(await canonical(copy))) {
      throw new HarnessError(`--fix-output ${path.dirname(copy)} holds the original ${path.basename(copy)}: choose another folder, repaired copies never replace originals`);
    }
  }
}

/** The real path of a file, or of its folder when the file does not exist yet. */
async function canonical(file: string): Promise<string> {
  const resolved = path.resolve(file);
  const real = await realpath(resolved).catch(() => undefined);
  if (real) return real;
  const folder = await realpath(path.dirname(resolved)).catch(() => path.dirname(resolved));
  return path.join(folder, path.basename(resolved));
}

/** Write the planned copies; returns their paths. */
export async function writeRepairs(plan: Map<PemRole, string>, inputs: PemInputs): Promise<string[]> {
  const written: string[] = [];
  for (const [role, file] of plan) {
    const repaired = repairPem((inputs[role] as PemInput).text);
    try {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await (role === 'key' ? writeSecret(file, repaired) : writeFile(file, repaired, { mode: 0o644 }));
    } catch (error) {
      throw new HarnessError(`cannot write the repaired copy ${file} (${(error as NodeJS.ErrnoException).code ?? error}): choose a writable --fix-output folder`);
    }
    written.push(file);
  }
  return written;
}
