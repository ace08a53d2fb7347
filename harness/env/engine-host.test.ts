/**
 * Remote engine naming, as pure functions: no remote engine is available here, so what is
 * tested is which host the certificates name and the addresses use for a given DOCKER_HOST.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mintCertificate } from '../pki/mint';
import { addressingFor } from '../serve/server-name';
import { adoptTestcontainersProperties, configureTestcontainers, defaultPublishAddresses, engineHost, publishAddressesWith, remoteEngineHost, serverCertificateNames } from './engine-host';

test.each([
  [{}, undefined],
  [{ DOCKER_HOST: 'unix:///var/run/docker.sock' }, undefined],
  [{ DOCKER_HOST: 'tcp://localhost:2375' }, undefined],
  [{ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, undefined],
  [{ DOCKER_HOST: 'tcp://docker.ci.example:2376' }, 'docker.ci.example'],
  [{ DOCKER_HOST: 'tcp://10.20.30.40:2375' }, '10.20.30.40'],
  [{ DOCKER_HOST: 'tcp://[fd00::7]:2375' }, 'fd00::7'],
  [{ DOCKER_HOST: 'ssh://me@build-box' }, 'build-box'],
  [{ DOCKER_HOST: 'tcp://docker.ci.example:2376', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1' }, undefined],
  [{ TESTCONTAINERS_HOST_OVERRIDE: 'gateway.example' }, 'gateway.example'],
])('remote engine host for %j is %s', (env, expected) => {
  expect(remoteEngineHost(env)).toBe(expected);
  expect(engineHost('localhost', env)).toBe(expected ?? 'localhost');
});

test('ports are published on loopback locally, on the address clients dial on a remote engine, on every interface for a remote name', () => {
  expect(defaultPublishAddresses({})).toEqual(expect.arrayContaining(['127.0.0.1']));
  expect(defaultPublishAddresses({}).every((address) => address === '127.0.0.1' || address === '::1')).toBe(true);
  expect(defaultPublishAddresses({ DOCKER_HOST: 'tcp://10.20.30.40:2376' })).toEqual(['10.20.30.40']);
  expect(defaultPublishAddresses({ DOCKER_HOST: 'tcp://docker.ci.example:2376' })).toEqual([]);
});

test('--listen adds its address to loopback, and a wildcard stands for its family', () => {
  const loopback = defaultPublishAddresses({});
  expect(publishAddressesWith('10.213.9.1', {})).toEqual([...loopback, '10.213.9.1']);
  expect(publishAddressesWith('0.0.0.0', {})).toEqual(['0.0.0.0', ...loopback.filter((address) => address === '::1')]);
  expect(publishAddressesWith('::', {})).toEqual(['::', '127.0.0.1']);
});

test('minted server certificates name the remote host, as a DNS name or an IP address', () => {
  expect(serverCertificateNames({})).toEqual({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
  expect(serverCertificateNames({ DOCKER_HOST: 'tcp://docker.ci.example:2376' })).toEqual({
    dnsNames: ['localhost', 'docker.ci.example'],
    ipAddresses: ['127.0.0.1', '::1'],
  });
  expect(serverCertificateNames({ DOCKER_HOST: 'tcp://10.20.30.40:2375' }).ipAddresses).toContain('10.20.30.40');
});

test('testcontainers reports the remote host, and 127.0.0.1 locally', () => {
  const remote: NodeJS.ProcessEnv = { DOCKER_HOST: 'tcp://docker.ci.example:2376' };
  configureTestcontainers(remote);
  expect(remote.TESTCONTAINERS_HOST_OVERRIDE).toBe('docker.ci.example');
  const local: NodeJS.ProcessEnv = {};
  configureTestcontainers(local);
  expect(local).toEqual({ TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1' });
});

test('printed addresses dial the remote host, verifying another name only when the certificate lacks it', async () => {
  const ca = await mintCertificate({ commonName: 'ca', isCa: true });
  const cert = async (dnsNames: string[]) => new X509Certificate((await mintCertificate({ commonName: 'x', dnsNames }, ca)).certPem);
  expect(addressingFor(await cert(['localhost', 'docker.ci.example']), 'docker.ci.example')).toEqual({ host: 'docker.ci.example' });
  expect(addressingFor(await cert(['temporal.internal']), 'docker.ci.example')).toEqual({
    host: 'docker.ci.example',
    serverName: 'temporal.internal',
  });
  expect(addressingFor(await cert(['localhost']), undefined)).toEqual({ host: 'localhost' });
});

test('~/.testcontainers.properties stands for the variables when DOCKER_HOST is unset, and the variables win', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tc-home-'));
  try {
    writeFileSync(path.join(home, '.testcontainers.properties'), '# engine\ndocker.host=tcp://10.213.7.2:2376\ndocker.tls.verify=1\ndocker.cert.path = /certs\nryuk.disabled=true\n');
    const fromFile: NodeJS.ProcessEnv = { HOME: home };
    configureTestcontainers(fromFile);
    expect(fromFile).toMatchObject({ DOCKER_HOST: 'tcp://10.213.7.2:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs', TESTCONTAINERS_HOST_OVERRIDE: '10.213.7.2' });
    const variables: NodeJS.ProcessEnv = { HOME: home, DOCKER_HOST: 'unix:///var/run/docker.sock' };
    adoptTestcontainersProperties(variables);
    expect(variables).toEqual({ HOME: home, DOCKER_HOST: 'unix:///var/run/docker.sock' });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
