/**
 * Debian packages the harness installs itself when missing (as root on Debian): docker.io, and
 * the proxy software of the intermediary scenarios. Installs are serialised (a lock file shared by
 * every harness process, and apt's own lock waited for), and never start the packages' services:
 * a policy-rc.d that denies them is in place during the install when the machine has none.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { HarnessError } from '../errors';
import { log } from '../log';

const APT_LOCK = '/tmp/temporal-tls-harness-apt.lock';
const POLICY_RC = '/usr/sbin/policy-rc.d';

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Whether this machine lets the harness install Debian packages. */
export function canInstallDebianPackages(): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version');
}

export function installDebianPackages(packages: string[], why: string): void {
  log(`installing Debian package(s) ${packages.join(', ')} (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const ownPolicy = !existsSync(POLICY_RC);
  if (ownPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\n# written by temporal-tls-harness during an install: start no services\nexit 101\n', { mode: 0o755 });
  try {
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
      const result = spawnSync('flock', [APT_LOCK, 'apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args], { env, encoding: 'utf8' });
      if (result.status !== 0) {
        throw new HarnessError(`"apt-get ${args.join(' ')}" failed: ${lastLine(result.stderr)}; install ${packages.join(' ')} by hand`);
      }
    }
  } finally {
    if (ownPolicy) rmSync(POLICY_RC, { force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
