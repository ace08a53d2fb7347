/**
 * Jest global set-up of every project: compile dist/ (incrementally) before any test runs, so that
 * a test which spawns the CLI through the package's bin never runs a stale build.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** Set once built, so the second project's set-up in the same jest run does not build again. */
const BUILT = 'TLS_HARNESS_DIST_BUILT';

export default function buildDist(): void {
  if (process.env[BUILT] === '1') return;
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed, so the CLI tests cannot run:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  process.env[BUILT] = '1';
}
