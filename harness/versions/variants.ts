/**
 * The releases a run compares: every SDK asked for (plus the harness's own) on every Node asked
 * for (default: the one running the harness). Each is installed into the cache first, checked to
 * load on each Node, and given a workflow bundle built by its own worker package.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../errors';
import { LOADER } from '../stacks/child/child-cell';
import { ensureNode, ownNode, type NodeRelease } from './node';
import type { NodeMajor } from './node-majors';
import type { Versions } from '../model/versions';
import { compareVersions, ownVersions } from './ranges';
import { checkLoads, ensureSdk, type InstalledSdk } from './sdk';

export interface VersionSelection {
  /** SDK releases besides the harness's own. */
  sdk?: string[];
  /** Node majors (default: the one running the harness). */
  node?: NodeMajor[];
}

/** Releases a cell runs on, and how: in this process, or in a child with another Node or SDK. */
export interface Variant extends Versions {
  child?: { nodePath?: string; sdkDir?: string; workflowBundlePath?: string };
}

/** Oldest first; the harness's own SDK on its own Node runs in process, as without any selection. */
export async function prepareVariants(selection: VersionSelection): Promise<Variant[]> {
  const own = ownVersions();
  const sdks = [...new Set([own.sdk, ...(selection.sdk ?? [])])];
  const nodes = selection.node?.length ? [...new Set(selection.node)] : [ownNode().major];
  // One at a time: a bad version fails the run before anything else is installed.
  const releases: NodeRelease[] = [];
  for (const major of nodes) releases.push(await ensureNode(major));
  const installed = new Map<string, { sdk: InstalledSdk; bundle: string }>();
  for (const version of sdks.filter((sdk) => sdk !== own.sdk)) {
    const sdk = await ensureSdk(version);
    installed.set(version, { sdk, bundle: await workflowBundleFor(sdk) });
  }
  const variants: Variant[] = [];
  for (const sdk of sdks) {
    for (const node of releases) {
      const other = installed.get(sdk);
      if (other && node.path !== process.execPath) await checkLoads(other.sdk.dir, sdk, node.path);
      const child = {
        ...(node.path === process.execPath ? {} : { nodePath: node.path }),
        ...(other ? { sdkDir: other.sdk.dir, workflowBundlePath: other.bundle } : {}),
      };
      variants.push({ sdk, node: node.version, ...(Object.keys(child).length > 0 ? { child } : {}) });
    }
  }
  return variants.sort(compareVersions);
}

const ENTRY = path.join(__dirname, `bundle-child${path.extname(__filename)}`);

/** The workflow bundle built by `sdk`'s own bundler and workflow package (cached by content). */
async function workflowBundleFor(sdk: InstalledSdk): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...LOADER, ENTRY, sdk.dir], { maxBuffer: 1 << 20 });
    return stdout.trim();
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error).trim().split('\n')[0];
    throw new HarnessError(`SDK ${sdk.version} cannot bundle the harness's workflow: ${stderr}`);
  }
}
