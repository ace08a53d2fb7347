/**
 * From a scenario's declared environment to the variables and flags a child-process cell starts
 * with: harness files by path, trust-store folders the harness controls, proxy addresses.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CredentialName, HarnessPkiFiles } from '../pki/harness-pki';
import { unusedPort } from '../env/ports';
import type { CellEnvironment, EnvValue } from './scenario';

export interface MaterializedEnvironment {
  /** The variables the scenario sets, with their values (paths and URLs resolved). */
  variables: Record<string, string>;
  nodeFlags: string[];
  /** The file the cell's process sees as /etc/hosts, when the scenario names its hosts. */
  hostsFile?: string;
}

export async function materializeEnvironment(
  environment: CellEnvironment,
  pki: HarnessPkiFiles,
  /** `host:port` of the cell's intermediary, when the scenario names one. */
  via: string | undefined,
): Promise<MaterializedEnvironment> {
  const variables: Record<string, string> = {};
  if (environment.systemStore) {
    const store = await trustStore(environment.systemStore, pki);
    variables.SSL_CERT_FILE = store.file;
    variables.SSL_CERT_DIR = store.dir;
  }
  for (const [name, value] of Object.entries(environment.variables ?? {})) {
    variables[name] = await resolveValue(value, pki, via);
  }
  const hostsFile = environment.hosts && (await hostsFileOf(environment.hosts, pki));
  return { variables, nodeFlags: environment.nodeFlags ?? [], ...(hostsFile ? { hostsFile } : {}) };
}

/** A hosts file in the run's PKI folder, one per content: written once, read by every cell that names it. */
function hostsFileOf(hosts: Record<string, string[]>, pki: HarnessPkiFiles): Promise<string> {
  const content = Object.entries(hosts)
    .flatMap(([name, addresses]) => addresses.map((address) => `${address} ${name}\n`))
    .join('');
  const file = path.join(pki.dir, 'hosts', `${createHash('sha256').update(content).digest('hex').slice(0, 12)}.hosts`);
  let written = hostsFiles.get(file);
  if (!written) {
    written = mkdir(path.dirname(file), { recursive: true }).then(() => writeFile(file, content)).then(() => file);
    hostsFiles.set(file, written);
  }
  return written;
}

const hostsFiles = new Map<string, Promise<string>>();

async function resolveValue(value: EnvValue, pki: HarnessPkiFiles, via: string | undefined): Promise<string> {
  if (typeof value === 'string') return value;
  if ('certificate' in value) return pki.certPath(value.certificate);
  if ('via' in value) {
    if (!via) throw new Error("the environment names the cell's intermediary, but the scenario has none (client.via)");
    return `http://${via}`;
  }
  return `http://127.0.0.1:${await unusedPort()}`;
}

/**
 * A trust-store folder in the run's PKI folder: `roots.pem` (for SSL_CERT_FILE) in a folder (for
 * SSL_CERT_DIR) that holds nothing else. `empty` has an empty roots file.
 */
function trustStore(contents: 'empty' | CredentialName, pki: HarnessPkiFiles): Promise<{ dir: string; file: string }> {
  const dir = path.join(pki.dir, 'trust-stores', contents);
  // Written once per run: concurrent cells must never read a half-written roots file.
  let written = stores.get(dir);
  if (!written) {
    const file = path.join(dir, 'roots.pem');
    written = (async () => {
      await mkdir(dir, { recursive: true });
      if (contents === 'empty') await writeFile(file, '');
      else await copyFile(pki.certPath(contents), file);
      return { dir, file };
    })();
    stores.set(dir, written);
  }
  return written;
}

const stores = new Map<string, Promise<{ dir: string; file: string }>>();
