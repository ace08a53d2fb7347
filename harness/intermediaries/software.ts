/**
 * Software the intermediaries run, installed when missing before any cell runs, as docker.io is:
 * Debian packages in one apt call, as root on Debian; otherwise one line saying what to install.
 */
import { existsSync } from 'node:fs';
import { canInstallDebianPackages, commandExists, installDebianPackages } from '../env/apt';
import { HarnessError } from '../errors';

export interface Software {
  /** What the install message calls it. */
  name: string;
  present(): boolean;
  /** The Debian packages that provide it. */
  debianPackages: string[];
}

export const NGINX = '/usr/sbin/nginx';
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
export const TINYPROXY = 'tinyproxy';

export const SOFTWARE = {
  nginx: { name: 'nginx', present: () => existsSync(NGINX), debianPackages: ['nginx'] },
  nginxStream: { name: "nginx's stream module", present: () => existsSync(NGINX_STREAM_MODULE), debianPackages: ['libnginx-mod-stream'] },
  tinyproxy: { name: 'tinyproxy', present: () => commandExists(TINYPROXY), debianPackages: ['tinyproxy-bin'] },
  iptables: { name: 'iptables', present: () => commandExists('iptables') && commandExists('ss'), debianPackages: ['iptables', 'iproute2'] },
} satisfies Record<string, Software>;

/** Names found present already: each cell starting a proxy asks again, and a check forks. */
const found = new Set<string>();

export function ensureSoftware(needed: Software[]): void {
  const missing = needed.filter(({ name, present }) => !found.has(name) && !present());
  for (const { name } of needed) if (!missing.some((other) => other.name === name)) found.add(name);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.flatMap(({ debianPackages }) => debianPackages))];
  if (!canInstallDebianPackages()) {
    throw new HarnessError(`the selected scenarios need ${missing.map(({ name }) => name).join(', ')}: install them (apt-get install ${packages.join(' ')}), or leave out the scenarios that name an intermediary`);
  }
  installDebianPackages(packages, 'software of the intermediaries the selected scenarios name');
  for (const { name } of missing) found.add(name);
}
