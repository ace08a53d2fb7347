/**
 * Makes sure a Docker engine answers: the one at DOCKER_HOST or /var/run/docker.sock when it does;
 * otherwise, as root on Debian, installs `docker.io` and starts `dockerd` in the background.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { canInstallDebianPackages, commandExists, installDebianPackages } from './apt';
import { cacheDir } from './cache';
import { HarnessError } from '../errors';
import { log } from '../log';

const DEFAULT_SOCKET = '/var/run/docker.sock';
const ENGINE_START_TIMEOUT_MS = 60_000;

/** Where the engine is expected: a unix socket path, or a tcp host:port (with the client's TLS files when DOCKER_TLS_VERIFY is set). */
function engineEndpoint(env: NodeJS.ProcessEnv = process.env): { socketPath: string } | { host: string; port: number; tls?: EngineTls } {
  const dockerHost = env.DOCKER_HOST;
  if (!dockerHost) return { socketPath: DEFAULT_SOCKET };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  const tls = engineTls(env);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || (tls ? 2376 : 2375)), ...(tls ? { tls } : {}) };
}

interface EngineTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/**
 * The client's files for an engine that verifies its clients, as the docker CLI and testcontainers
 * read them: DOCKER_TLS_VERIFY set (to anything but empty or 0), the files in DOCKER_CERT_PATH
 * (default ~/.docker) as ca.pem, cert.pem and key.pem.
 */
function engineTls(env: NodeJS.ProcessEnv): EngineTls | undefined {
  const verify = env.DOCKER_TLS_VERIFY;
  if (!verify || verify === '0') return undefined;
  const dir = env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name));
    } catch {
      throw new HarnessError(`DOCKER_TLS_VERIFY is set, and ${path.join(dir, name)} cannot be read: put the engine's CA and your client certificate and key there as ca.pem, cert.pem and key.pem, or set DOCKER_CERT_PATH`);
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** True when the engine answers `GET /_ping` with OK. */
export function engineAnswers(timeoutMs = 2000): Promise<boolean> {
  const endpoint = engineEndpoint();
  const get = 'tls' in endpoint && endpoint.tls ? (options: https.RequestOptions, callback: (response: http.IncomingMessage) => void) => https.get({ ...options, ...endpoint.tls }, callback) : http.get;
  return new Promise((resolve) => {
    const request = get({ ...endpoint, path: '/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/**
 * `GET path` of a local engine's API, parsed; undefined when no engine answers on this machine's
 * socket in time. Only a local engine: what it reports of its containers' processes is then this host's.
 */
export function localEngineGet<T>(apiPath: string, timeoutMs = 1000): Promise<T | undefined> {
  const endpoint = engineEndpoint();
  if (!('socketPath' in endpoint)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const request = http.get({ ...endpoint, path: apiPath, timeout: timeoutMs }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        try {
          resolve(response.statusCode === 200 ? (JSON.parse(body) as T) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** Ensure an engine answers, installing and starting one where we are allowed to. */
export async function ensureDockerEngine(): Promise<void> {
  if (await engineAnswers()) return;
  if (process.env.DOCKER_HOST) {
    throw new HarnessError(
      `no Docker engine answers at DOCKER_HOST=${process.env.DOCKER_HOST}: start the engine there (e.g. "sudo systemctl start docker" or "sudo dockerd &" on that machine), or unset DOCKER_HOST to use ${DEFAULT_SOCKET}`,
    );
  }
  if (!canInstallDebianPackages()) {
    throw new HarnessError(
      `no Docker engine answers at ${DEFAULT_SOCKET}: start one (e.g. "sudo systemctl start docker" or "sudo dockerd &"), or set DOCKER_HOST`,
    );
  }
  if (!commandExists('dockerd')) installDebianPackages(['docker.io'], 'no Docker engine found');
  await startDockerDaemon();
}

async function startDockerDaemon(): Promise<void> {
  const logDir = cacheDir();
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'dockerd.log');
  log(`starting dockerd in the background (log: ${logFile})`);
  const out = openSync(logFile, 'a');
  const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
  daemon.unref();
  const deadline = Date.now() + ENGINE_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await engineAnswers()) return;
    if (daemon.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new HarnessError(`dockerd did not answer within ${ENGINE_START_TIMEOUT_MS / 1000}s: see ${logFile}`);
}
