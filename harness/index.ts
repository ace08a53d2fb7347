/**
 * temporal-tls-harness as a library: a real Temporal server with TLS or mTLS for your own tests,
 * and everything the CLI does, as typed functions.
 *
 *   import { TemporalTlsContainer } from 'temporal-tls-harness';
 *   await using server = await new TemporalTlsContainer().withMode('mtls').start();
 *   const connection = await Connection.connect(server.getConnectionOptions());
 */
export {
  type ApiKeyOptions,
  StartedTemporalTlsContainer,
  TemporalTlsContainer,
  TemporalTlsContainerError,
  type TlsCertificateFiles,
  type TlsMode,
} from './library/container';
export type { TemporalServerInfo } from './library/server-info';
export type { Role } from './auth/tokens';
export { mintPki, type MintedCertificate, type MintedPki } from './library/pki';
export { validate, validateAndHold, type HoldResult, type ValidateOptions, type ValidateResult } from './library/validate';
export type { Timeline, TimelineEvent } from './model/timeline';
export type { IntermediaryKind, IntermediaryOptions, IntermediarySpec } from './model/intermediary';
export { runMatrix, selectScenarios, type MatrixJsonReport, type MatrixOptions, type MatrixSelection } from './library/matrix';
export { checkScenarios, loadScenarioFile } from './library/scenario-file';
export type { UserCertificates } from './matrix/user-certificates';
export type {
  AddressChoice,
  ClientSetup,
  CodecChoice,
  Family,
  HoldSpec,
  KeyChoice,
  Scenario,
  ServerSpec,
  TlsSetup,
} from './matrix/scenario';
export type { Expectation } from './model/expectation';
export type { CellResult } from './matrix/results';
export { SCENARIOS, SERVERS, type HarnessScenario, type ServerName } from '../scenarios';
export { both, mutualAuth, serverAuth } from '../scenarios/define';
export { FAMILIES, SLOW_FAMILIES } from './matrix/scenario';
export type { CredentialName } from './pki/harness-pki';
export type { Mangling } from './pki/pem-damage';
export { DIAGNOSES, type DiagnosisCode } from './diagnosis/codes';
export { HarnessError } from './errors';
export { ServerUnhealthyError, type ServerHealth } from './server/health';
