import type { Config } from 'jest';

// testcontainers must never try to pull: no registry is reachable (see harness/env/provision.ts).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

const config: Config = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' }, // tsconfig sets isolatedModules, so files compile one by one
  roots: ['<rootDir>/harness', '<rootDir>/scenarios'],
  testMatch: ['**/*.test.ts'],
  // Provisions the machine, mints the PKI and starts the servers once for every test file.
  globalSetup: '<rootDir>/harness/e2e/global-setup.ts',
  globalTeardown: '<rootDir>/harness/e2e/global-teardown.ts',
  testTimeout: 60_000,
  maxConcurrency: 6,
  // The namespace scenarios run Worker.create against a namespace that does not exist, as users
  // do. In SDK 1.24 that leaves a native worker behind which keeps Node running (README, "SDK
  // defects found"); the CLI exits explicitly, and jest must too.
  forceExit: true,
};

export default config;
