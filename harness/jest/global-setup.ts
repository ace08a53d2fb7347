/**
 * Ready-made jest global set-up: starts the servers named in the jest config's
 * `globals.temporalServers` (see ./index.ts).
 */
import { HarnessError } from '../errors';
import { GLOBALS_KEY, temporalGlobalSetup, type TemporalServersConfig } from './index';

export = async function globalSetup(_globalConfig: unknown, projectConfig: { globals?: Record<string, unknown> }): Promise<void> {
  const servers = projectConfig?.globals?.[GLOBALS_KEY] as TemporalServersConfig | undefined;
  if (!servers) {
    throw new HarnessError(`the jest config has no globals.${GLOBALS_KEY}: name the servers to start, e.g. { secure: { mode: 'mtls' } }`);
  }
  await temporalGlobalSetup(servers)();
};
