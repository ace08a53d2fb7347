/** The servers are started once for the whole run by temporal-tls-harness's jest global set-up. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000,
  globalSetup: 'temporal-tls-harness/jest/global-setup',
  globalTeardown: 'temporal-tls-harness/jest/global-teardown',
  globals: {
    // Read back in a test file with temporalServer('secure').
    temporalServers: { secure: { mode: 'mtls', namespaces: ['orders'] } },
  },
};
