/**
 * Makes sure a Docker engine answers: the one at DOCKER_HOST or /var/run/docker.sock when it does;
 * otherwise, as root on Debian, installs `docker.io` and starts `dockerd` in the background.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { canInstallDebianPackages, commandExists, installDebianPackages } from './apt';
import { cacheDir } from './cache';
import { HarnessError } from '../errors';
import { log } from '../log';

const DEFAULT_SOCKET = '/var/run/docker.sock';
const ENGINE_START_TIMEOUT_MS = 60_000;

/** Where the engine is expected: a unix socket path or a tcp host:port. */
function engineEndpoint(): { socketPath: string } | { host: string; port: number } {
  const dockerHost = process.env.DOCKER_HOST;
  if (!dockerHost) return { socketPath: DEFAULT_SOCKET };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

/** True when the engine answers `GET /_ping` with OK. */
export function engineAnswers(timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ ...engineEndpoint(), path: '/_ping', timeout: timeoutMs }, (response) => {
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
