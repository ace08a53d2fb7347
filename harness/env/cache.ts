import os from 'node:os';
import path from 'node:path';

/** Where built artefacts are kept between runs: $TLS_HARNESS_CACHE_DIR, else the XDG cache. */
export function cacheDir(): string {
  if (process.env.TLS_HARNESS_CACHE_DIR) return path.resolve(process.env.TLS_HARNESS_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'temporal-tls-harness');
}
