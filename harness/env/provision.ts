/**
 * Everything a run needs from the machine, idempotent and cached: a Docker engine, the server
 * binary, the server image. Called by every command that starts a server.
 */
import { ensureDockerEngine } from './docker-engine';
import { configureTestcontainers } from './engine-host';
import { sweepLeftoverContainers } from './labels';
import { sweepDeadOwners } from './owned';
import { log } from '../log';
import { ensureServerBinary } from './server-binary';
import { ensureServerImage, ServerImage } from './server-image';

export interface Provisioned {
  image: ServerImage;
  /** Milliseconds spent on each step in this run (near zero when cached). */
  timings: { dockerEngineMs: number; serverBinaryMs: number; serverImageMs: number };
}

export async function provision(): Promise<Provisioned> {
  configureTestcontainers();
  // Folders and processes of dead runs first: that needs no engine, and keys should not linger.
  const swept = sweepDeadOwners();
  if (swept > 0) log(`removed ${swept} folder(s) or process(es) left behind by earlier runs`);
  const timed = async <T>(step: () => Promise<T>): Promise<[T, number]> => {
    const begin = Date.now();
    return [await step(), Date.now() - begin];
  };
  // Independent, so side by side: on a fresh machine the engine install and the server build.
  const [[, dockerEngineMs], [, serverBinaryMs]] = await Promise.all([
    timed(ensureDockerEngine),
    process.env.TLS_HARNESS_SERVER_IMAGE ? ([null, 0] as const) : timed(() => ensureServerBinary()),
  ]);
  const [image, serverImageMs] = await timed(ensureServerImage);
  await sweepLeftoverContainers();
  return { image, timings: { dockerEngineMs, serverBinaryMs, serverImageMs } };
}
