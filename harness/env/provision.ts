/**
 * Everything a run needs from the machine, idempotent and cached: a Docker engine, the server
 * binary, the server image. Called by every command that starts a server.
 */
import { ensureDockerEngine } from './docker-engine';
import { sweepLeftoverContainers } from './labels';
import { ensureServerBinary } from './server-binary';
import { ensureServerImage, ServerImage } from './server-image';

/**
 * testcontainers must not pull anything: no registry is reachable. Its reaper (Ryuk) is an image
 * to pull, and so is the helper it runs to find the host address; both are switched off, and the
 * cleanup they did is done by the harness (labels.ts).
 */
export function configureTestcontainers(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}

export interface Provisioned {
  image: ServerImage;
  /** Milliseconds spent on each step in this run (near zero when cached). */
  timings: { dockerEngineMs: number; serverBinaryMs: number; serverImageMs: number };
}

export async function provision(): Promise<Provisioned> {
  configureTestcontainers();
  const timed = async <T>(step: () => Promise<T>): Promise<[T, number]> => {
    const begin = Date.now();
    return [await step(), Date.now() - begin];
  };
  const [, dockerEngineMs] = await timed(ensureDockerEngine);
  const [, serverBinaryMs] = process.env.TLS_HARNESS_SERVER_IMAGE ? [null, 0] : await timed(() => ensureServerBinary());
  const [image, serverImageMs] = await timed(ensureServerImage);
  await sweepLeftoverContainers();
  return { image, timings: { dockerEngineMs, serverBinaryMs, serverImageMs } };
}
