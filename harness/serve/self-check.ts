/**
 * Before serve says "ready", a client configured from nothing but the printed profile makes one
 * call: proof that the printed settings work, not just that the server runs (the harness's own
 * health checks go in through the internal name and would pass with a broken user certificate).
 */
import { readFile } from 'node:fs/promises';
import { Connection } from '@temporalio/client';
import type { ClientConnectConfig } from '@temporalio/envconfig';
import type { KeyPairFiles } from '../server/endpoint';

const CHECK_DEADLINE_MS = 5000;

/**
 * `undefined` when a client from `profile` can describe its namespace, else what stood in the
 * way. `standInClient` fills in for a client certificate the profile cannot name (mtls with the
 * user's certificates but none of their client certificates).
 */
export async function checkProfile(profile: ClientConnectConfig, standInClient?: KeyPairFiles): Promise<string | undefined> {
  let tls = profile.connectionOptions.tls;
  if (standInClient && typeof tls === 'object' && tls !== null && !tls.clientCertPair) {
    const [crt, key] = await Promise.all([readFile(standInClient.cert), readFile(standInClient.key)]);
    tls = { ...tls, clientCertPair: { crt, key } };
  }
  // No retry interceptor and one call: the failure, if any, carries the channel's real reason.
  const connection = Connection.lazy({ ...profile.connectionOptions, tls, interceptors: [] });
  try {
    await connection.withDeadline(Date.now() + CHECK_DEADLINE_MS, () =>
      connection.workflowService.describeNamespace({ namespace: profile.namespace }),
    );
    return undefined;
  } catch (error) {
    // grpc-js ends its UNAVAILABLE messages with an empty "Resolution note:" when DNS was fine.
    return (error as Error).message.replace(/\s*Resolution note:\s*$/, '');
  } finally {
    await connection.close();
  }
}
