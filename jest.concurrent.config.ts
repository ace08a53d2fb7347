/**
 * @jest-config-loader ts-node
 */
// The concurrent-runs test alone, with no other servers running: `npm test` runs it after the
// suite, `npm run test:concurrent` on its own (see CONCURRENT_RUNS_TEST in jest.config.ts).
import type { Config } from 'jest';
import { configureTestcontainers } from './harness/env/engine-host';
import { reporters } from './jest.config';

configureTestcontainers();

const config: Config = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  rootDir: '.',
  testMatch: ['<rootDir>/harness/reliability/concurrent-runs.test.ts'],
  // Compiles dist/, which the test's CLI runs come from.
  globalSetup: '<rootDir>/harness/e2e/build-dist.ts',
  reporters: reporters('concurrent-runs'),
  testTimeout: 60_000,
  forceExit: true,
};

export default config;
