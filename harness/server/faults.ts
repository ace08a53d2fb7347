/** Faults done to a running server's container (scenario.fault): each returns how to undo it. */
import { getContainerRuntimeClient } from 'testcontainers';
import type { Fault } from '../matrix/scenario';
import type { ServerEndpoint } from './endpoint';

/** Do `fault` to the server; resolves with the undo, once the fault is in place. */
export async function applyFault(fault: Fault, endpoint: ServerEndpoint): Promise<() => Promise<void>> {
  if (!endpoint.containerId) throw new Error(`server ${endpoint.name} has no container to do "${fault}" to`);
  const container = (await getContainerRuntimeClient()).container.dockerode.getContainer(endpoint.containerId);
  switch (fault) {
    case 'pause':
      await container.pause();
      return async () => {
        await container.unpause();
      };
  }
}
