/**
 * The server container's readiness, against the real server: a server whose own worker cannot
 * reach its frontend is named with the server's own log line, instead of passing because its
 * frontend answers; nothing is left running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provision } from '../env/provision';
import { containersOfRun } from '../e2e/containers-of';
import { writeHarnessPki, type HarnessPkiFiles } from '../pki/harness-pki';
import { writeSigningKeys } from '../auth/signing-keys';
import type { ServerMode } from './config';
import type { InternalPki } from './endpoint';
import { ServerUnhealthyError } from './health';
import { TemporalServerContainer } from './temporal-server';

jest.setTimeout(120_000);

const RUN_ID = `server-health-${process.pid}`;
let dir: string;
let pki: HarnessPkiFiles;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'server-health-'));
  [pki] = await Promise.all([writeHarnessPki(dir), writeSigningKeys(dir)]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server with all four services, as `serve` and the library run it. */
async function serverOf(mode: ServerMode): Promise<TemporalServerContainer> {
  const { image } = await provision();
  const internal: InternalPki = {
    caFile: pki.certPath('ca'),
    server: { cert: pki.certPath('server'), key: pki.keyPath('server') },
    client: { cert: pki.certPath('client'), key: pki.keyPath('client') },
  };
  return new TemporalServerContainer(image, 'health', mode, RUN_ID)
    .withInternalPki(internal)
    .withFrontendCertificate(internal.server)
    .withClientCas([pki.certPath('ca')]);
}

async function refusal(start: Promise<unknown>): Promise<ServerUnhealthyError> {
  const error = await start.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ServerUnhealthyError);
  return error as ServerUnhealthyError;
}

test('mTLS with no certificate for its own worker: SERVER_DEGRADED, in the words of the server, and the container is gone', async () => {
  const error = await refusal((await serverOf('mtls')).withSystemWorkerMisconfigured('no-client-certificate').start());
  expect(error.code).toBe('SERVER_DEGRADED');
  expect(error.health.line).toMatch(/^error creating sdk client: .*client auth required, but no certificate provided/);
  expect(error.message.split('\n')).toHaveLength(1);
  expect(containersOfRun(RUN_ID)).toEqual([]);
});

test('authorization with its own worker on the public frontend: SERVER_START_FAILED with its FATAL line', async () => {
  const error = await refusal((await serverOf('tls')).withAuthorization({ keysDir: dir }).withSystemWorkerMisconfigured('no-internal-frontend').start());
  expect(error.code).toBe('SERVER_START_FAILED');
  expect(error.health.line).toBe('error starting scanner: failed reaching server: Request unauthorized.');
  expect(containersOfRun(RUN_ID)).toEqual([]);
});

test('a frontend bound to 127.0.0.1 inside its container: SERVER_BOUND_TO_LOOPBACK at once, not a start timeout', async () => {
  const error = await refusal((await serverOf('tls')).withFrontendBoundTo('127.0.0.1').start());
  expect(error.code).toBe('SERVER_BOUND_TO_LOOPBACK');
  expect(error.health.line).toBe('inside its container, the frontend listens on 127.0.0.1:7233 only');
  expect(containersOfRun(RUN_ID)).toEqual([]);
});

test('kept on request, the degraded server serves, and says how it is degraded', async () => {
  const server = await (await serverOf('mtls')).withSystemWorkerMisconfigured('no-client-certificate').withUnhealthyKept().start();
  try {
    expect(server.endpoint().health).toMatchObject({ code: 'SERVER_DEGRADED' });
  } finally {
    await server.stop();
  }
});

test('the same server set up right starts, healthy', async () => {
  const server = await (await serverOf('mtls')).start();
  try {
    expect(server.health).toBeUndefined();
  } finally {
    await server.stop();
  }
});
