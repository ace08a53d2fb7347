/** Test support: containers as Docker itself lists them, by the harness's labels. */
import { spawnSync } from 'node:child_process';
import { OWNER_PID_LABEL, RUN_LABEL } from '../env/labels';
import { libraryRunPrefix } from '../library/container';

function docker(args: string[]): string[] {
  const listed = spawnSync('docker', args, { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${listed.stderr}`);
  return listed.stdout.split('\n').filter(Boolean);
}

/** The containers labelled as started by process `pid`. */
export function containersOf(pid: number): string[] {
  return docker(['ps', '-a', '-q', '--filter', `label=${OWNER_PID_LABEL}=${pid}`]);
}

/** The containers labelled with run `runId`. */
export function containersOfRun(runId: string): string[] {
  return docker(['ps', '-a', '-q', '--filter', `label=${RUN_LABEL}=${runId}`]);
}

/**
 * The containers this process started through the library (TemporalTlsContainer). Not all of
 * this process's: on a 2-core machine jest runs test files in its main process, which also owns
 * the e2e project's servers.
 */
export function libraryContainers(): string[] {
  const rows = docker(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{.ID}} {{.Label "${RUN_LABEL}"}}`]);
  return rows.filter((row) => row.split(' ')[1]?.startsWith(libraryRunPrefix())).map((row) => row.split(' ')[0]);
}
