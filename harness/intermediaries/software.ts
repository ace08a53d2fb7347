/**
 * The proxy software of the intermediary scenarios, installed from Debian when missing (as
 * docker.io is): nginx with its stream module (a TLS-terminating proxy, with and without ALPN h2)
 * and tinyproxy (an HTTP CONNECT proxy that logs every tunnel).
 */
import { existsSync } from 'node:fs';
import { canInstallDebianPackages, commandExists, installDebianPackages } from '../env/apt';
import { HarnessError } from '../errors';

export const NGINX = '/usr/sbin/nginx';
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
export const TINYPROXY = 'tinyproxy';

const NEEDED = [
  { present: () => existsSync(NGINX), packages: ['nginx'] },
  { present: () => existsSync(NGINX_STREAM_MODULE), packages: ['libnginx-mod-stream'] },
  { present: () => commandExists(TINYPROXY), packages: ['tinyproxy-bin'] },
];

/** Set once the software was found: each cell starting a proxy asks again, and a check forks the harness. */
let present = false;

export function ensureProxySoftware(): void {
  if (present) return;
  const missing = NEEDED.filter(({ present }) => !present()).flatMap(({ packages }) => packages);
  if (missing.length === 0) {
    present = true;
    return;
  }
  if (!canInstallDebianPackages()) {
    throw new HarnessError(`the intermediary scenarios need ${missing.join(', ')}: install them (apt-get install ${missing.join(' ')}), or leave out --family intermediary`);
  }
  installDebianPackages(missing, 'proxy software of the intermediary scenarios');
  present = true;
}
