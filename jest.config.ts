/**
 * @jest-config-loader ts-node
 */
// Node 22.18+ and 24 strip types natively, and jest then imports this file as ESM, where the
// extension-less import below does not resolve; the pragma makes jest fall back to ts-node.
import type { Config } from 'jest';
import { configureTestcontainers } from './harness/env/engine-host';

// testcontainers must never try to pull: no registry is reachable (see harness/env/engine-host.ts).
configureTestcontainers();

/**
 * Two whole matrix runs at once, run alone after this suite (jest.concurrent.config.ts; `npm test`
 * makes both runs): beside the e2e project's servers, two more matrices on 2 cores would measure
 * the machine's load rather than the harness.
 */
export const CONCURRENT_RUNS_TEST = '<rootDir>/harness/reliability/concurrent-runs.test.ts';

/** Jest's reporters, plus a results file for .ci/run when it asks for one (.ci/jest-results-reporter.js). */
export function reporters(name: string): Config['reporters'] {
  if (!process.env.JEST_RESULTS_DIR) return ['default'];
  return ['default', ['<rootDir>/.ci/jest-results-reporter.js', { name }]];
}

/** Tests that need the matrix's servers, which the e2e project's global set-up starts once. */
const NEEDS_SERVERS = ['<rootDir>/harness/e2e/', '<rootDir>/harness/validate/validate.test.ts'];

const project = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' }, // tsconfig sets isolatedModules, so files compile one by one
  roots: ['<rootDir>/harness', '<rootDir>/scenarios'],
  testMatch: ['**/*.test.ts'],
} satisfies Config['projects'] extends (infer P)[] | undefined ? P : never;

const config: Config = {
  projects: [
    // Pure functions and commands that start their own server: no shared set-up.
    {
      ...project,
      displayName: 'unit',
      testPathIgnorePatterns: ['/node_modules/', ...NEEDS_SERVERS, CONCURRENT_RUNS_TEST],
      // Compiles dist/, which the tests that spawn the CLI through its bin run.
      globalSetup: '<rootDir>/harness/e2e/build-dist.ts',
    },
    {
      ...project,
      displayName: 'e2e',
      testMatch: NEEDS_SERVERS.map((prefix) => (prefix.endsWith('/') ? `${prefix}**/*.test.ts` : prefix)),
      // Compiles dist/, provisions the machine, mints the PKI and starts the servers, once, for these files only.
      globalSetup: '<rootDir>/harness/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/harness/e2e/global-teardown.ts',
    },
  ],
  reporters: reporters('suite'),
  testTimeout: 60_000,
  maxConcurrency: 6,
  // The namespace scenarios run Worker.create against a namespace that does not exist, as users
  // do. In SDK 1.24 that leaves a native worker behind which keeps Node running (README, "SDK
  // defects found"); the CLI exits explicitly, and jest must too.
  forceExit: true,
};

export default config;
