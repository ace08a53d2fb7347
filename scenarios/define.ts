/** Helpers that keep scenario files to one entry per situation. */
import type { Expectation } from '../harness/model/expectation';
import type { Scenario, TlsSetup } from '../harness/matrix/scenario';
import type { ServerName } from './servers';

export type HarnessScenario = Scenario<ServerName>;

/** The TLS a correctly configured client uses against the `tls` server. */
export const serverAuth: TlsSetup = { ca: 'ca' };
/** The TLS a correctly configured client uses against the `mtls` server. */
export const mutualAuth: TlsSetup = { ca: 'ca', cert: 'client', key: 'client' };

/** Both stacks expect the same. */
export const both = (expectation: Expectation) => ({ client: expectation, worker: expectation });
