/**
 * Removal by label rather than by handle: a Ctrl-C can land while testcontainers is still
 * creating the container, before serve holds a handle to it, and that container must go too.
 * Force-removal, not a graceful stop: the server keeps nothing worth a shutdown (in-memory SQLite).
 */
import { getContainerRuntimeClient } from 'testcontainers';
import { RUN_LABEL } from '../env/labels';

export async function removeRunContainers(runId: string): Promise<void> {
  const { dockerode } = (await getContainerRuntimeClient()).container;
  const found = await dockerode.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  await Promise.all(found.map((info) => dockerode.getContainer(info.Id).remove({ force: true })));
}
