/**
 * The host port to publish the frontend on. A port the user names must be free, and is checked
 * before anything is minted or started, so a clash costs one line and leaves nothing behind.
 */
import { HarnessError } from '../errors';
import { FRONTEND_GRPC_PORT } from '../server/config';
import { hostPortIsFree } from '../server/host-ports';

/** The port to bind, or `undefined` for a random one (the default 7233 is taken). */
export async function choosePort(requested: number | undefined): Promise<number | undefined> {
  if (requested === undefined) return (await hostPortIsFree(FRONTEND_GRPC_PORT)) ? FRONTEND_GRPC_PORT : undefined;
  if (!(await hostPortIsFree(requested))) {
    throw new HarnessError(`port ${requested} is already in use: stop what listens there, or pick another --port (omit it for a free one)`);
  }
  return requested;
}
