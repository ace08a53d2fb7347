/**
 * Labels on everything the harness starts. With testcontainers' reaper (Ryuk) off, cleanup is
 * ours: containers are stopped on exit, and leftovers whose owning process is gone are swept
 * at the next start.
 */
import { getContainerRuntimeClient } from 'testcontainers';
import { log } from '../log';
import { processAlive } from './process-alive';

export const HARNESS_LABEL = 'io.temporal-tls-harness';
export const OWNER_PID_LABEL = `${HARNESS_LABEL}.pid`;
export const RUN_LABEL = `${HARNESS_LABEL}.run`;

/** Labels for a container this process starts. */
export function ownLabels(runId: string): Record<string, string> {
  return { [HARNESS_LABEL]: 'true', [OWNER_PID_LABEL]: String(process.pid), [RUN_LABEL]: runId };
}

/** Remove harness containers left by processes that no longer run (a crash, a kill -9). */
export async function sweepLeftoverContainers(): Promise<number> {
  const { dockerode } = (await getContainerRuntimeClient()).container;
  const all = await dockerode.listContainers({ all: true, filters: { label: [`${HARNESS_LABEL}=true`] } });
  const orphans = all.filter((info) => {
    const owner = Number(info.Labels?.[OWNER_PID_LABEL]);
    return !Number.isInteger(owner) || owner === process.pid ? false : !processAlive(owner);
  });
  await Promise.all(orphans.map((info) => dockerode.getContainer(info.Id).remove({ force: true }).catch(() => undefined)));
  if (orphans.length > 0) log(`removed ${orphans.length} container(s) left behind by earlier runs`);
  return orphans.length;
}
