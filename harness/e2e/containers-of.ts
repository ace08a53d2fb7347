/** Test support: the containers labelled as started by process `pid`, asked of Docker itself. */
import { spawnSync } from 'node:child_process';
import { OWNER_PID_LABEL } from '../env/labels';

export function containersOf(pid: number): string[] {
  const listed = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=${OWNER_PID_LABEL}=${pid}`], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`docker ps failed: ${listed.stderr}`);
  return listed.stdout.split('\n').filter(Boolean);
}
