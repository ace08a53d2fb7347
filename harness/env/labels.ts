/**
 * Labels on everything the harness starts. With testcontainers' reaper (Ryuk) off, cleanup is
 * ours: containers are stopped on exit, and leftovers whose owning process is gone are swept
 * at the next start, together with the folders and processes such runs left (owned.ts).
 */
import { getContainerRuntimeClient } from 'testcontainers';
import { log } from '../log';
import { ownerAlive, selfOwner } from './owned';

export const HARNESS_LABEL = 'io.temporal-tls-harness';
export const OWNER_PID_LABEL = `${HARNESS_LABEL}.pid`;
/** The owner's start time, so that a reused pid does not keep a dead run's containers alive. */
export const OWNER_START_LABEL = `${HARNESS_LABEL}.pid-start`;
export const RUN_LABEL = `${HARNESS_LABEL}.run`;

/** Labels for a container this process starts. */
export function ownLabels(runId: string): Record<string, string> {
  const owner = selfOwner();
  return {
    [HARNESS_LABEL]: 'true',
    [OWNER_PID_LABEL]: String(owner.pid),
    ...(owner.startTicks === null ? {} : { [OWNER_START_LABEL]: String(owner.startTicks) }),
    [RUN_LABEL]: runId,
  };
}

/** Remove harness containers left by processes that no longer run (a crash, a kill -9). */
export async function sweepLeftoverContainers(): Promise<number> {
  const { dockerode } = (await getContainerRuntimeClient()).container;
  const all = await dockerode.listContainers({ all: true, filters: { label: [`${HARNESS_LABEL}=true`] } });
  const orphans = all.filter((info) => {
    const pid = Number(info.Labels?.[OWNER_PID_LABEL]);
    if (!Number.isInteger(pid)) return false;
    const start = info.Labels?.[OWNER_START_LABEL];
    return !ownerAlive({ pid, startTicks: start === undefined ? null : Number(start) });
  });
  await Promise.all(orphans.map((info) => dockerode.getContainer(info.Id).remove({ force: true }).catch(() => undefined)));
  if (orphans.length > 0) log(`removed ${orphans.length} container(s) left behind by earlier runs`);
  return orphans.length;
}

/**
 * Removal by label rather than by handle: a signal can land while testcontainers is still
 * creating a container, before the run holds a handle to it, and that container must go too.
 * Force-removal, not a graceful stop: the server keeps nothing worth a shutdown (in-memory SQLite).
 */
export async function removeRunContainers(runId: string): Promise<void> {
  const { dockerode } = (await getContainerRuntimeClient()).container;
  const found = await dockerode.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  await Promise.all(found.map((info) => dockerode.getContainer(info.Id).remove({ force: true })));
}
