/** Every scenario of the matrix, in report order. */
import { address } from './address';
import { auth } from './auth';
import { baseline } from './baseline';
import { clientCertificate } from './client-cert';
import type { HarnessScenario } from './define';
import { encoding } from './encoding';
import { encryption } from './encryption';
import { intermediary } from './intermediary';
import { keyType } from './key-type';
import { faults } from './faults';
import { lifetime } from './lifetime';
import { namespace } from './namespace';
import { pem } from './pem';
import { protocol } from './protocol';
import { trustStore } from './trust-store';
import { trustStoreAcrossReleases } from './trust-store-releases';
import { tlsVersion } from './tls-version';
import { serverCertificate } from './server-cert';
import { serverConfig } from './server-config';

export { SERVERS, type ServerName } from './servers';
export type { HarnessScenario } from './define';

export const SCENARIOS: HarnessScenario[] = [
  ...baseline,
  ...serverCertificate,
  ...clientCertificate,
  ...protocol,
  ...address,
  ...tlsVersion,
  ...pem,
  ...namespace,
  ...encryption,
  ...trustStore,
  ...trustStoreAcrossReleases,
  ...auth,
  ...intermediary,
  ...keyType,
  ...encoding,
  ...serverConfig,
  ...faults,
  ...lifetime,
];
