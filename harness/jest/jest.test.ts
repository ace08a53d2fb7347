/**
 * The jest helpers: the global set-up starts what a config names and describes it in the
 * environment; the reader gives it back with SDK options a real client connects with; the
 * teardown removes it. Called directly here; examples/jest-mtls runs them as jest's own hooks.
 */
import { existsSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { libraryContainers } from '../e2e/containers-of';
import { SERVERS_VARIABLE, temporalGlobalSetup, temporalGlobalTeardown, temporalServer, temporalServers } from './index';

jest.setTimeout(120_000);

test('set-up, reader and teardown, with two servers', async () => {
  await temporalGlobalSetup({ open: { mode: 'plain' }, secure: { mode: 'mtls', namespaces: ['orders', 'default'] } })();
  let profile: string;
  try {
    expect(Object.keys(temporalServers())).toEqual(['open', 'secure']);
    const secure = temporalServer('secure');
    profile = secure.profile;
    expect(secure).toMatchObject({ name: 'secure', mode: 'mtls', namespace: 'orders', namespaces: ['orders', 'default'] });
    expect(secure.env.TEMPORAL_TLS_CLIENT_CERT_PATH).toBe(secure.cert);
    for (const file of [secure.ca, secure.cert, secure.key, secure.profile]) expect(existsSync(file!)).toBe(true);
    for (const server of [secure, temporalServer('open')]) {
      const connection = await Connection.connect(server.connectionOptions());
      try {
        await connection.workflowService.describeNamespace({ namespace: server.namespace });
      } finally {
        await connection.close();
      }
    }
    expect(() => temporalServer()).toThrow('temporalServer() needs a name: the global set-up started open, secure');
    expect(() => temporalServer('other')).toThrow('no Temporal server named "other": the global set-up started open, secure');
  } finally {
    await temporalGlobalTeardown();
  }
  expect(process.env[SERVERS_VARIABLE]).toBeUndefined();
  expect(existsSync(profile)).toBe(false);
  expect(libraryContainers()).toEqual([]);
});

test('a server that cannot start: the others are stopped, and the error names it', async () => {
  const setUp = temporalGlobalSetup({ fine: { mode: 'plain' }, wrong: { mode: 'tls', namespaces: [''] } });
  await expect(setUp()).rejects.toThrow(/^Temporal server "wrong" did not start: the server refused namespace "": /);
  expect(process.env[SERVERS_VARIABLE]).toBeUndefined();
  expect(libraryContainers()).toEqual([]);
});

test('without the set-up, the reader says what to add', () => {
  expect(() => temporalServer(undefined, {})).toThrow(`${SERVERS_VARIABLE} is not set: add globalSetup 'temporal-tls-harness/jest/global-setup'`);
});
