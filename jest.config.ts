import type { Config } from 'jest';

// testcontainers must never try to pull: no registry is reachable (see harness/env/provision.ts).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

const config: Config = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  roots: ['<rootDir>/harness', '<rootDir>/scenarios'],
  testMatch: ['**/*.test.ts'],
  // Provisions the machine, mints the PKI and starts the servers once for every test file.
  globalSetup: '<rootDir>/harness/e2e/global-setup.ts',
  globalTeardown: '<rootDir>/harness/e2e/global-teardown.ts',
  testTimeout: 60_000,
  maxConcurrency: 6,
};

export default config;
