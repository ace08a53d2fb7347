/**
 * @jest-config-loader ts-node
 */
// `npm run test:concurrent`: the concurrent-runs test alone, with no other servers running (see
// CONCURRENT_RUNS_TEST in jest.config.ts).
import type { Config } from 'jest';
import { configureTestcontainers } from './harness/env/engine-host';

configureTestcontainers();

const config: Config = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  rootDir: '.',
  testMatch: ['<rootDir>/harness/reliability/concurrent-runs.test.ts'],
  // Compiles dist/, which the test's CLI runs come from.
  globalSetup: '<rootDir>/harness/e2e/build-dist.ts',
  testTimeout: 60_000,
  forceExit: true,
};

export default config;
