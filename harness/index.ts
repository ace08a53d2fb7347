/**
 * temporal-tls-harness as a library: everything the CLI does, as typed functions.
 *
 *   import { runMatrix, validate } from 'temporal-tls-harness';
 */
export { runMatrix, selectScenarios, type MatrixJsonReport, type MatrixOptions, type MatrixSelection } from './library/matrix';
export { HarnessError } from './errors';
