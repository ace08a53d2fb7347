/** The rendered server YAML: what each mode turns on, and what it must leave off. */
import { parse } from 'yaml';
import { CONTAINER_DYNAMIC_CONFIG_PATH, CONTAINER_JWKS_PATH, INTERNAL_SERVER_NAME, renderDynamicConfig, renderServerConfig, ServerTlsFiles, servicesOf } from './config';

const files: ServerTlsFiles = {
  frontend: { certFile: 'frontend.pem', keyFile: 'frontend.key' },
  hostOverrides: { [INTERNAL_SERVER_NAME]: { certFile: 'internal.pem', keyFile: 'internal.key' } },
  clientCaFiles: ['client-ca.pem', 'internal-ca.pem'],
  serverCaFile: 'internal-ca.pem',
  serverName: INTERNAL_SERVER_NAME,
  systemWorker: { certFile: 'system-worker.pem', keyFile: 'system-worker.key' },
};
const dir = '/etc/temporal/certs';

test('plain: no TLS at all, in-memory SQLite, frontend on all interfaces', () => {
  const config = parse(renderServerConfig('plain'));
  expect(config.global.tls).toBeUndefined();
  expect(config.persistence.datastores['sqlite-default'].sql.connectAttributes).toEqual({ mode: 'memory', cache: 'private' });
  expect(config.services.frontend.rpc).toMatchObject({ grpcPort: 7233, bindOnIP: '0.0.0.0' });
  expect(config.services.history.rpc.bindOnLocalHost).toBe(true);
});

test('tls: the frontend certificate, no client authentication, the system worker trusting the internal CA', () => {
  const { tls } = parse(renderServerConfig('tls', files)).global;
  expect(tls.frontend.server).toEqual({ certFile: `${dir}/frontend.pem`, keyFile: `${dir}/frontend.key`, requireClientAuth: false });
  expect(tls.frontend.hostOverrides[INTERNAL_SERVER_NAME].certFile).toBe(`${dir}/internal.pem`);
  expect(tls.systemWorker).toEqual({ client: { serverName: INTERNAL_SERVER_NAME, rootCaFiles: [`${dir}/internal-ca.pem`] } });
});

test('mtls: client authentication required everywhere, and the system worker presents its own certificate', () => {
  const { tls } = parse(renderServerConfig('mtls', files)).global;
  const clientCaFiles = [`${dir}/client-ca.pem`, `${dir}/internal-ca.pem`];
  expect(tls.frontend.server).toMatchObject({ requireClientAuth: true, clientCaFiles });
  expect(tls.frontend.hostOverrides[INTERNAL_SERVER_NAME]).toMatchObject({ requireClientAuth: true, clientCaFiles });
  expect(tls.systemWorker).toMatchObject({ certFile: `${dir}/system-worker.pem`, keyFile: `${dir}/system-worker.key` });
});

test('a TLS mode without certificates is refused', () => {
  expect(() => renderServerConfig('mtls')).toThrow('a mtls server needs certificates');
});

test('authorization: default authorizer and JWT claim mapper on the JWKS file, and an internal-frontend on loopback', () => {
  const config = parse(renderServerConfig('tls', files, { audience: 'aud-1' }));
  expect(config.global.authorization).toEqual({
    authorizer: 'default',
    claimMapper: 'default',
    jwtKeyProvider: { keySourceURIs: [`file://${CONTAINER_JWKS_PATH}`] },
    audience: 'aud-1',
  });
  expect(config.services['internal-frontend'].rpc).toMatchObject({ grpcPort: 7236, bindOnLocalHost: true });
  expect(config.publicClient).toBeUndefined();
});

test('without authorization: no authorization section and no internal-frontend', () => {
  const config = parse(renderServerConfig('plain'));
  expect(config.global.authorization).toBeUndefined();
  expect(config.services['internal-frontend']).toBeUndefined();
  expect(parse(renderServerConfig('plain', undefined, {})).global.authorization.audience).toBeUndefined();
});

test('mtls with requireClientAuth false keeps the client CAs but stops asking for certificates', () => {
  const { tls } = parse(renderServerConfig('mtls', { ...files, requireClientAuth: false })).global;
  expect(tls.frontend.server).toMatchObject({ requireClientAuth: false, clientCaFiles: [`${dir}/client-ca.pem`, `${dir}/internal-ca.pem`] });
  expect(tls.frontend.hostOverrides[INTERNAL_SERVER_NAME].requireClientAuth).toBe(false);
});

test('state: in memory by default, one shared database for both stores', () => {
  const { datastores } = parse(renderServerConfig('tls', files)).persistence;
  expect(datastores['sqlite-default']).toEqual(datastores['sqlite-visibility']);
  expect(datastores['sqlite-default'].sql).toMatchObject({ databaseName: 'default', connectAttributes: { mode: 'memory', cache: 'private' } });
});

test('a file store: one SQLite file in the configuration folder, given its schema on first start', () => {
  const { datastores } = parse(renderServerConfig('tls', files, undefined, { fileStore: true })).persistence;
  expect(datastores['sqlite-default']).toEqual(datastores['sqlite-visibility']);
  // A string: the server reads connectAttributes as a map of strings.
  expect(datastores['sqlite-default'].sql).toMatchObject({ databaseName: '/etc/temporal/temporal.db', connectAttributes: { mode: 'rwc', setup: 'true' } });
});

test('tlsRefreshInterval: global.tls.refreshInterval, and absent unless asked for', () => {
  expect(parse(renderServerConfig('tls', files, undefined, { tlsRefreshInterval: '1s' })).global.tls.refreshInterval).toBe('1s');
  expect(parse(renderServerConfig('mtls', files)).global.tls).not.toHaveProperty('refreshInterval');
  // No TLS section to put it in on a plaintext server.
  expect(parse(renderServerConfig('plain', undefined, undefined, { tlsRefreshInterval: '1s' })).global.tls).toBeUndefined();
});

test('without the worker service: frontend, history and matching only, no system worker and no internal-frontend even with authorization', () => {
  const lean = { workerService: false };
  expect(servicesOf(lean, true)).toEqual(['frontend', 'history', 'matching']);
  expect(servicesOf({}, true)).toEqual(['frontend', 'internal-frontend', 'history', 'matching', 'worker']);
  expect(servicesOf({}, false)).toEqual(['frontend', 'history', 'matching', 'worker']);
  const config = parse(renderServerConfig('mtls', files, {}, lean));
  expect(Object.keys(config.services)).toEqual(['frontend', 'history', 'matching']);
  expect(config.global.tls).not.toHaveProperty('systemWorker');
  expect(config.global.authorization.authorizer).toBe('default');
});

test('dynamic config: a file the server reads at start, each key with one value, only when values are given', () => {
  expect(parse(renderServerConfig('plain')).dynamicConfigClient).toBeUndefined();
  const config = parse(renderServerConfig('plain', undefined, undefined, { dynamicConfig: { 'frontend.keepAliveMaxConnectionAge': '5s' } }));
  expect(config.dynamicConfigClient.filepath).toBe(CONTAINER_DYNAMIC_CONFIG_PATH);
  expect(parse(renderDynamicConfig({ 'frontend.keepAliveMaxConnectionAge': '5s', 'limit.blobSize.error': 1024 }))).toEqual({
    'frontend.keepAliveMaxConnectionAge': [{ value: '5s' }],
    'limit.blobSize.error': [{ value: 1024 }],
  });
});
