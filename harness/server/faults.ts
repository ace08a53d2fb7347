/**
 * Faults done to a running server's container (scenario.fault). Each resolves once the fault is
 * in place, with how to undo it; a fault that cannot be put in place undoes what it did and throws.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { getContainerRuntimeClient } from 'testcontainers';
import { presentedChain, splitAddress } from '../diagnosis/evidence';
import type { CredentialName, HarnessPkiFiles } from '../pki/harness-pki';
import { faultCertificate, FAULTS, type Fault } from '../matrix/scenario';
import { clientCaFile, CONTAINER_CERT_DIR, FRONTEND_CERT_FILE, FRONTEND_GRPC_PORT, FRONTEND_KEY_FILE } from './config';
import { readContainerFile, writeContainerFiles, type ContainerFile } from './container-files';
import { internalTls, type ServerEndpoint } from './endpoint';
import { portTaken } from './host-ports';
import { waitUntilServing } from './health-wait';

export type UndoFault = () => Promise<void>;

/** As long as a server is given to start (see TemporalServerContainer). */
const SERVING_AGAIN_TIMEOUT_MS = 60_000;
/** Many refresh intervals (the faults server re-reads its files every second). */
const CERTIFICATE_SERVED_TIMEOUT_MS = 15_000;
const POLL_INTERVAL_MS = 100;
/** Three refresh intervals of the server that re-reads its certificate files every second. */
const CLIENT_CA_SETTLE_MS = 3000;
const PORT_RETRY_INTERVAL_MS = 500;
const CONTAINER_LOG_LINES = 8;
/** Seconds Docker gives a stopping server before it kills it: its state is in a file, and it exits in about one. */
const STOP_GRACE_S = 2;

/** Do `fault` to the server; `pki` holds the certificates a fault puts in place. */
export async function applyFault(fault: Fault, endpoint: ServerEndpoint, pki: HarnessPkiFiles): Promise<UndoFault> {
  if (!endpoint.containerId) throw new Error(`server ${endpoint.name} has no container to do "${fault}" to`);
  const container = (await getContainerRuntimeClient()).container.dockerode.getContainer(endpoint.containerId);
  try {
    return await doFault(fault, container, endpoint, pki);
  } catch (error) {
    throw new Error(`${(error as Error).message} (${await containerState(container)})`);
  }
}

async function doFault(fault: Fault, container: Dockerode.Container, endpoint: ServerEndpoint, pki: HarnessPkiFiles): Promise<UndoFault> {
  switch (fault) {
    case 'pause':
      await container.pause();
      return async () => {
        await container.unpause();
      };
    case 'restart':
      await restart(container, endpoint);
      // Nothing to put back; undoing is making sure the server serves.
      return () => servingAgain(container, endpoint);
    case 'replace-server-cert':
    case 'replace-server-cert-untrusted-ca':
    case 'replace-server-cert-new-ca':
      return replaceFrontendCertificate(container, endpoint, pki, faultCertificate(fault)!);
    case 'add-client-ca':
      return addClientCa(container, endpoint, await readFile(pki.certPath(FAULTS[fault].clientCa)), 'after');
    case 'add-client-ca-first':
      return addClientCa(container, endpoint, await readFile(pki.certPath(FAULTS[fault].clientCa)), 'before');
    case 'start-late':
      await container.stop({ t: STOP_GRACE_S });
      return () => startAgain(container, endpoint);
  }
}

/**
 * `docker restart` (SIGTERM, then SIGKILL after Docker's 10 s), then SERVING again on the same host
 * port. testcontainers' log stream ends with the first run, so a failure report's server log
 * holds nothing from after the restart.
 */
async function restart(container: Dockerode.Container, endpoint: ServerEndpoint): Promise<void> {
  await bringUp(() => container.restart(), container, endpoint);
}

/** `docker start` of a stopped server, then SERVING again on the same host port. */
function startAgain(container: Dockerode.Container, endpoint: ServerEndpoint): Promise<void> {
  return bringUp(() => container.start(), container, endpoint);
}

/** Start the server with `start` (waiting for its host port if another socket holds it), then until it serves there. */
async function bringUp(start: () => Promise<unknown>, container: Dockerode.Container, endpoint: ServerEndpoint): Promise<void> {
  try {
    await start();
  } catch (error) {
    if (!portTaken(error)) throw error;
    await startOnceThePortIsFree(container);
  }
  await servingOnItsPort(container, endpoint);
}

async function servingOnItsPort(container: Dockerode.Container, endpoint: ServerEndpoint): Promise<void> {
  const published = (await container.inspect()).NetworkSettings.Ports[`${FRONTEND_GRPC_PORT}/tcp`]?.[0]?.HostPort;
  const expected = String(splitAddress(endpoint.address).port);
  if (published !== expected) {
    throw new Error(`after the start, Docker publishes the frontend on host port ${published ?? 'none'} instead of ${expected}: the server must bind its host ports explicitly (survivesRestart)`);
  }
  await servingAgain(container, endpoint);
}

/**
 * While the server is stopped its host port is free, and any socket may take it: an outgoing
 * connection of this run or another is given it as its local port. Docker then cannot start the
 * container; the port is free again once that connection closes.
 */
async function startOnceThePortIsFree(container: Dockerode.Container): Promise<void> {
  const deadline = Date.now() + SERVING_AGAIN_TIMEOUT_MS;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, PORT_RETRY_INTERVAL_MS));
    try {
      await container.start();
      return;
    } catch (error) {
      if (!portTaken(error) || Date.now() > deadline) throw error;
    }
  }
}

/** What Docker says of the container: whether it runs, and if not, how it ended and its last log lines. */
async function containerState(container: Dockerode.Container): Promise<string> {
  try {
    const { State } = await container.inspect();
    if (State.Running) return `the container is ${State.Paused ? 'paused' : 'running'}`;
    const how = [`exit code ${State.ExitCode}`, State.OOMKilled ? 'killed for lack of memory' : '', State.Error ? `Docker: ${State.Error}` : '']
      .filter(Boolean)
      .join(', ');
    const log = demuxedLog(await container.logs({ stdout: true, stderr: true, tail: CONTAINER_LOG_LINES }));
    return `the container is ${State.Status} since ${State.FinishedAt}: ${how}${log ? `\n--- server log (last lines) ---\n${log}` : ''}`;
  } catch (error) {
    return `Docker cannot say what state the container is in: ${(error as Error).message}`;
  }
}

/**
 * A container log without a terminal comes in frames: an 8-byte header (stream, size), then the
 * bytes. The server logs JSON with stack traces; a line here keeps its level, message and error.
 */
function demuxedLog(frames: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= frames.length; at += 8 + frames.readUInt32BE(at + 4)) {
    parts.push(frames.subarray(at + 8, at + 8 + frames.readUInt32BE(at + 4)));
  }
  const lines = Buffer.concat(parts).toString('utf8').split('\n').filter((line) => line.trim());
  return lines.map(shortLogLine).join('\n');
}

function shortLogLine(line: string): string {
  try {
    const { level, msg, error } = JSON.parse(line) as { level?: string; msg?: string; error?: string };
    return `${level}: ${msg}${error ? ` (${error})` : ''}`;
  } catch {
    return line;
  }
}

async function servingAgain(container: Dockerode.Container, endpoint: ServerEndpoint): Promise<void> {
  await waitUntilServing(endpoint.address, await internalTls(endpoint.mode, endpoint.internal), SERVING_AGAIN_TIMEOUT_MS, async () => {
    const state = (await container.inspect()).State;
    return state.Running ? undefined : `the restarted server exited with code ${state.ExitCode}`;
  });
}

/**
 * Replace the frontend's default certificate and key files with `replacement` (one archive, so
 * the server's next refresh reads both), and wait until the server presents it to a new
 * connection. The undo writes the original files back and waits until the original is presented.
 */
async function replaceFrontendCertificate(
  container: Dockerode.Container,
  endpoint: ServerEndpoint,
  pki: HarnessPkiFiles,
  replacement: CredentialName,
): Promise<UndoFault> {
  const original = await Promise.all([FRONTEND_CERT_FILE, FRONTEND_KEY_FILE].map((name) => readContainerFile(container, CONTAINER_CERT_DIR, name)));
  const [cert, key] = await Promise.all([readFile(pki.certPath(replacement)), readFile(pki.keyPath(replacement))]);
  // In the place, owner and mode of the originals: the key stays 0600.
  const replaced: ContainerFile[] = [
    { ...original[0], content: cert },
    { ...original[1], content: key },
  ];
  const undo = async () => {
    await writeContainerFiles(container, CONTAINER_CERT_DIR, original);
    await untilPresented(endpoint.address, original[0].content);
  };
  await writeContainerFiles(container, CONTAINER_CERT_DIR, replaced);
  try {
    await untilPresented(endpoint.address, cert);
  } catch (error) {
    await undo();
    throw error;
  }
  return undo;
}

/** Each server's client-CA file as it started, before an added CA (and the restart that undid it) changed it. */
const pristineClientCas = new Map<string, ContainerFile>();

/**
 * Add `caPem` after or before the CA in the frontend's first client-CA file, in its place, owner
 * and mode. Nothing a client sees says when the server has read it again, so the fault is in place after a few of its
 * refresh intervals ({@link CLIENT_CA_SETTLE_MS}). Its undo is the restart an operator would do:
 * the server then reads the file whole, and the same cell must pass. A server that a previous
 * cell's undo left trusting the added CA gets its first file back and a restart before.
 */
async function addClientCa(container: Dockerode.Container, endpoint: ServerEndpoint, caPem: Buffer, place: 'before' | 'after'): Promise<UndoFault> {
  const current = await readContainerFile(container, CONTAINER_CERT_DIR, clientCaFile(0));
  const pristine = pristineClientCas.get(container.id) ?? current;
  pristineClientCas.set(container.id, pristine);
  if (!current.content.equals(pristine.content)) {
    await writeContainerFiles(container, CONTAINER_CERT_DIR, [pristine]);
    await restart(container, endpoint);
  }
  const content = place === 'after' ? Buffer.concat([pristine.content, caPem]) : Buffer.concat([caPem, pristine.content]);
  await writeContainerFiles(container, CONTAINER_CERT_DIR, [{ ...pristine, content }]);
  await new Promise((resolve) => setTimeout(resolve, CLIENT_CA_SETTLE_MS));
  return () => restart(container, endpoint);
}

/** Wait until a new TLS connection to `address` is served the leaf of `certPem` (compared by fingerprint). */
async function untilPresented(address: string, certPem: Buffer): Promise<void> {
  const wanted = new X509Certificate(certPem);
  const deadline = Date.now() + CERTIFICATE_SERVED_TIMEOUT_MS;
  let presented = 'nothing yet';
  while (Date.now() < deadline) {
    const [leaf] = await presentedChain(address).catch(() => []);
    if (leaf?.fingerprint256 === wanted.fingerprint256) return;
    if (leaf) presented = `serial ${leaf.serialNumber}`;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(
    `the server did not present the certificate with serial ${wanted.serialNumber} within ${CERTIFICATE_SERVED_TIMEOUT_MS}ms of its file being replaced (it presents ${presented})`,
  );
}
