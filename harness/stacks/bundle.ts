/**
 * The workflow bundle, built once and cached on disk by content: bundling takes over a second,
 * and a worker given a prebuilt bundle starts several times faster than one given a path.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { cacheDir } from '../env/cache';

/** The source file in a clone (tsx, ts-jest), the compiled one in the package. */
const WORKFLOWS = require.resolve('./workflows');

/** Path of a bundle of {@link WORKFLOWS}, for `Worker.create({ workflowBundle: { codePath } })`. */
export async function ensureWorkflowBundle(): Promise<string> {
  const sdkVersion: string = require('@temporalio/worker/package.json').version;
  const source = await readFile(WORKFLOWS);
  const hash = createHash('sha256').update(source).update(sdkVersion).digest('hex').slice(0, 16);
  const file = path.join(cacheDir(), 'bundles', `workflows-${hash}.js`);
  if (existsSync(file)) return file;
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: quietLogger, webpackConfigHook: withOwnWorkflowPackage });
  await mkdir(path.dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  await writeFile(staging, code);
  await rename(staging, file); // atomic, so concurrent runs never read half a bundle
  return file;
}

/**
 * The bundle at `bundlePath` with an empty source map, beside it, for the harness's own workers.
 * They run their workflows in the harness's thread (debugMode), where SDK 1.24 parses each worker's
 * source map into WebAssembly memory on the first workflow and never frees it (the worker's
 * SourceMapConsumer is never destroyed; in a worker thread, the thread's end frees it): about
 * 1.6 MB a worker, 23 workers a matrix run. Their stack traces are never shown.
 */
export function withoutSourceMap(bundlePath: string): Promise<string> {
  // Once per process: every harness worker of a run asks at once.
  let pending = strippedBundles.get(bundlePath);
  if (!pending) {
    pending = writeWithoutSourceMap(bundlePath);
    strippedBundles.set(bundlePath, pending);
  }
  return pending;
}

const strippedBundles = new Map<string, Promise<string>>();

async function writeWithoutSourceMap(bundlePath: string): Promise<string> {
  const file = bundlePath.replace(/\.js$/, '-no-source-map.js');
  if (existsSync(file)) return file;
  const code = await readFile(bundlePath, 'utf8');
  const at = code.lastIndexOf('//# sourceMappingURL=data:');
  if (at < 0) throw new Error(`${bundlePath} has no inline source map`);
  const empty = Buffer.from(JSON.stringify({ version: 3, sources: [], names: [], mappings: '' })).toString('base64');
  const staging = `${file}.${process.pid}.tmp`;
  await writeFile(staging, `${code.slice(0, at)}//# sourceMappingURL=data:application/json;base64,${empty}\n`);
  await rename(staging, file); // atomic, so a concurrent run never reads half a bundle
  return file;
}

/**
 * Webpack resolves `@temporalio/workflow` from the workflows file, which is the harness's own
 * release; it must be the release of the worker that bundles, which in a child process for
 * another SDK (child/sdk-resolution.ts) is where Node resolves it.
 */
function withOwnWorkflowPackage<Config extends { resolve?: { alias?: unknown } }>(config: Config): Config {
  const workflowPackage = path.dirname(require.resolve('@temporalio/workflow/package.json'));
  const alias = { ...(config.resolve?.alias as Record<string, string> | undefined), '@temporalio/workflow': workflowPackage };
  return { ...config, resolve: { ...config.resolve, alias } };
}

const ignore = () => undefined;
const quietLogger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: console.error };
