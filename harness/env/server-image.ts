/**
 * The container image the servers run in: built locally FROM scratch around the server binary,
 * tagged by content so that a stale image is never reused, and never pulled. A published image
 * can be named instead with TLS_HARNESS_SERVER_IMAGE.
 */
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GenericContainer, getContainerRuntimeClient, ImageName } from 'testcontainers';
import { cacheDir } from './cache';
import { ensureServerBinary } from './server-binary';
import { HARNESS_LABEL } from './labels';
import { log } from '../log';

/** The image to run and the path of the server binary inside it. */
export interface ServerImage {
  name: string;
  entrypoint: string;
}

const BINARY_IN_IMAGE = '/temporal-server';

// USER and HOME: the server's telemetry set-up asks for the current user, which without cgo
// comes only from the environment, and a scratch image has no /etc/passwd.
const DOCKERFILE = `FROM scratch
COPY temporal-server ${BINARY_IN_IMAGE}
ENV USER=temporal HOME=/
LABEL ${HARNESS_LABEL}=true
ENTRYPOINT ["${BINARY_IN_IMAGE}"]
`;

export async function ensureServerImage(): Promise<ServerImage> {
  const published = process.env.TLS_HARNESS_SERVER_IMAGE;
  if (published) {
    return { name: published, entrypoint: process.env.TLS_HARNESS_SERVER_ENTRYPOINT || '/usr/local/bin/temporal-server' };
  }
  const binary = await ensureServerBinary();
  const contentHash = createHash('sha256').update(DOCKERFILE).update(binary.sha256).digest('hex').slice(0, 16);
  const name = `temporal-tls-harness/server:${binary.version}-${contentHash}`;
  const client = await getContainerRuntimeClient();
  if (await client.image.exists(ImageName.fromString(name))) return { name, entrypoint: BINARY_IN_IMAGE };

  const started = Date.now();
  const context = path.join(cacheDir(), 'image-context', contentHash);
  await rm(context, { recursive: true, force: true });
  await mkdir(context, { recursive: true });
  await writeFile(path.join(context, 'Dockerfile'), DOCKERFILE);
  // A hard link avoids copying 200 MB; fall back to a copy across file systems.
  await link(binary.path, path.join(context, 'temporal-server')).catch(() =>
    copyFile(binary.path, path.join(context, 'temporal-server')),
  );
  await GenericContainer.fromDockerfile(context).build(name, { deleteOnExit: false });
  await rm(context, { recursive: true, force: true });
  if (!(await client.image.exists(ImageName.fromString(name)))) {
    throw new Error(`building image ${name} reported success but the image is missing`);
  }
  log(`built image ${name} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { name, entrypoint: BINARY_IN_IMAGE };
}
