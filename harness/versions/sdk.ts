/**
 * Published TypeScript SDK releases, installed at exactly one version into the cache
 * (`<cache>/sdk/<version>/node_modules/@temporalio/*`), for the stacks under test to load in a
 * child process. The harness's own worker and client stay on the SDK it ships with.
 */
import semver from 'semver';
import { HarnessError } from '../errors';
import { log } from '../log';
import { installOnce, run } from './cache-install';

/** The packages a stack under test loads; core-bridge comes as the worker's dependency. */
const SDK_PACKAGES = ['client', 'worker', 'common', 'proto', 'activity', 'workflow'] as const;
/** Published for some releases only (1.13.2 on, not every one). */
const OPTIONAL_PACKAGES = ['envconfig'] as const;

export interface InstalledSdk {
  version: string;
  /** The folder whose node_modules holds `@temporalio/*` at `version`. */
  dir: string;
}

/** The SDK the harness itself depends on. */
export function ownSdkVersion(): string {
  return require('@temporalio/client/package.json').version;
}

/** The cached install of `version`, installing and checking it first when it is not there. */
export async function ensureSdk(version: string, nodePath = process.execPath): Promise<InstalledSdk> {
  if (!semver.valid(version)) {
    throw new HarnessError(`--sdk "${version}" is not a release version: give an exact one such as 1.11.5 (npm view @temporalio/worker versions)`);
  }
  const dir = await installOnce('sdk', version, () => sdkDependencies(version), (staging) => checkLoads(staging, version, nodePath));
  return { version, dir };
}

/** Exact versions of every package `version` was published with; refuses a version never published. */
async function sdkDependencies(version: string): Promise<Record<string, string>> {
  const published = await publishedVersions('@temporalio/worker');
  if (!published.includes(version)) throw new HarnessError(`SDK ${version} is not published: ${nearest(published, version)}`);
  const optional = await Promise.all(
    OPTIONAL_PACKAGES.map(async (name) => ((await publishedVersions(`@temporalio/${name}`)).includes(version) ? [name] : [])),
  );
  log(`installing @temporalio/* ${version} into the cache (once)`);
  return Object.fromEntries([...SDK_PACKAGES, ...optional.flat()].map((name) => [`@temporalio/${name}`, version]));
}

/** The published releases just below and above `version`, to say what to ask for instead. */
export function nearest(published: string[], version: string): string {
  const sorted = published.filter((v) => semver.valid(v) && !semver.prerelease(v)).sort(semver.compare);
  const below = sorted.filter((v) => semver.lt(v, version)).pop();
  const above = sorted.find((v) => semver.gt(v, version));
  const around = [below, above].filter(Boolean).join(' and ');
  return around ? `the nearest releases are ${around} (npm view @temporalio/worker versions)` : 'see npm view @temporalio/worker versions';
}

async function publishedVersions(name: string): Promise<string[]> {
  const { code, output } = await run('npm', ['view', name, 'versions', '--json']);
  if (code !== 0) throw new HarnessError(`cannot list the releases of ${name} (npm view failed): check the registry with "npm ping"`);
  const parsed: unknown = JSON.parse(output);
  return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
}

/**
 * Every package must load on this Node at exactly `version`: some old releases install but do
 * not load (a native bridge built for another Node ABI, a postinstall build that npm skipped).
 */
export async function checkLoads(folder: string, version: string, nodePath: string): Promise<void> {
  const script = `
    const names = ${JSON.stringify(SDK_PACKAGES.map((name) => `@temporalio/${name}`))};
    for (const name of names) {
      const found = require(name + '/package.json').version;
      if (found !== ${JSON.stringify(version)}) throw new Error(name + ' resolved to ' + found);
      require(name);
    }`;
  const { code, output } = await run(nodePath, ['-e', script], { cwd: folder });
  if (code === 0) return;
  const nodeVersion = (await run(nodePath, ['--version'])).output.trim().replace(/^v/, '');
  throw new HarnessError(`SDK ${version} installs but does not load on Node ${nodeVersion}: ${firstErrorLine(output)}`);
}

/** The line of a Node crash that says what went wrong (not the source excerpt or the stack). */
export function firstErrorLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  return lines.find((line) => /^(\w*Error|Uncaught)\b|Error:/.test(line)) ?? lines.find(Boolean) ?? 'no output';
}
