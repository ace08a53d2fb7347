/**
 * From a scenario's declarative client set-up to the options an application would pass the SDK:
 * the address to dial, the PEM bytes (damaged where the scenario says so) and the codec.
 */
import { readFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { TLSConfig } from '@temporalio/client';
import { engineHost, remoteEngineHost } from '../env/engine-host';
import { encodeClientPair } from '../pki/encodings';
import type { HarnessPkiFiles } from '../pki/harness-pki';
import { MANGLINGS } from '../pki/pem-damage';
import { mintClientCertificate } from '../pki/short-lived';
import { unusedPort } from '../env/ports';
import type { ConnectionUnderTest } from '../stacks/cell';
import type { AddressChoice, ApiKeyChoice, ClientSetup, KeyChoice, TlsSetup } from './scenario';
import type { EndpointAuthorization } from '../server/endpoint';
import { mintApiKeyChoice } from '../auth/scenario-keys';
import { STRAY_BYTES, type StrayBytes } from '../auth/stray-bytes';
import { MATRIX_NAMESPACES } from './environment';

/** The PEM texts a cell handed the SDK, kept so a failure can be traced to the damage in them. */
export interface PemInputs {
  cert?: string;
  key?: string;
}

/** Where the things a cell can dial are. */
export interface Places {
  /** `host:port` of the scenario's server. */
  server: string;
  /** `host:port` of its HTTP API. */
  httpApi?: string;
  /** The cell's intermediary (ClientSetup.via): dialled in the server's place, or named as the application's proxy. */
  via?: { address: string; reached: 'dialled' | 'named' };
}

export async function connectionUnderTest(
  setup: ClientSetup,
  places: Places,
  pki: HarnessPkiFiles,
  verifyEncryptedAtRest = false,
  authorization?: EndpointAuthorization,
): Promise<{ target: ConnectionUnderTest; pem: PemInputs }> {
  const { tls, pem } = setup.tls ? await tlsOptions(setup, setup.tls, pki) : { tls: setup.tls, pem: {} };
  const apiKey = (choice: ApiKeyChoice | undefined) => (choice ? apiKeyFor(choice, setup, authorization) : undefined);
  if (setup.proxyOption && places.via?.reached !== 'named') throw new Error("the scenario's proxy option names its intermediary, but it has no proxy the application names");
  return {
    target: {
      address: places.via?.reached === 'dialled' ? places.via.address : await addressFor(setup.address ?? 'server', places),
      tls,
      apiKey: withStrayBytes(await apiKey(setup.apiKey), setup.apiKeyStray),
      rotateApiKeyTo: await apiKey(setup.rotateApiKeyTo),
      namespace: setup.namespace,
      codecChoice: setup.codec,
      verifyEncryptedAtRest,
      ...(setup.proxyOption ? { proxy: places.via!.address } : {}),
    },
    pem,
  };
}

function withStrayBytes(key: string | undefined, stray: StrayBytes | undefined): string | undefined {
  return key !== undefined && stray ? STRAY_BYTES[stray](key) : key;
}

function apiKeyFor(choice: ApiKeyChoice, setup: ClientSetup, authorization: EndpointAuthorization | undefined): Promise<string> {
  if (!authorization) throw new Error(`the scenario passes an API key (${choice}), but its server has no authorization`);
  const namespace = setup.namespace ?? 'default';
  const otherNamespace = MATRIX_NAMESPACES.find((name) => name !== namespace)!;
  const expiresInS = setup.expiring?.credential === 'api-key' ? setup.expiring.inS : undefined;
  return mintApiKeyChoice(choice, authorization, { namespace, otherNamespace }, expiresInS);
}

async function tlsOptions(client: ClientSetup, setup: TlsSetup, pki: HarnessPkiFiles): Promise<{ tls: TLSConfig; pem: PemInputs }> {
  const expiring = client.expiring?.credential === 'client-certificate' ? await mintClientCertificate(pki, client.expiring.inS) : undefined;
  const pem: PemInputs = expiring
    ? { cert: expiring.certPem, key: expiring.keyPem }
    : {
        cert: setup.cert ? await readFile(pki.certPath(setup.cert), 'utf8') : undefined,
        key: setup.key ? await readKey(setup.key, pki) : undefined,
      };
  if (setup.swapCertAndKey) [pem.cert, pem.key] = [pem.key, pem.cert];
  if (setup.mangle) {
    const { part, how } = setup.mangle;
    pem[part] = MANGLINGS[how].apply(pem[part] ?? '');
  }
  let pair: { crt: Buffer; key: Buffer } | undefined =
    pem.cert !== undefined && pem.key !== undefined ? { crt: Buffer.from(pem.cert), key: Buffer.from(pem.key) } : undefined;
  if (setup.encoding && pem.cert !== undefined && pem.key !== undefined) {
    const intermediate = await readFile(pki.certPath('intermediateCa'), 'utf8');
    const encoded = encodeClientPair(setup.encoding, { cert: pem.cert, key: pem.key, intermediate });
    pair = encoded;
    // The classifier reads what the SDK got; binary forms read as text only for the PEM rules.
    Object.assign(pem, { cert: encoded.crt.toString('utf8'), key: encoded.key.toString('utf8') });
  }
  const tls: TLSConfig = {
    ...(setup.ca ? { serverRootCACertificate: Buffer.concat(await Promise.all([setup.ca].flat().map((ca) => readFile(pki.certPath(ca))))) } : {}),
    ...(setup.serverName ? { serverNameOverride: setup.serverName } : {}),
    ...(pair ? { clientCertPair: pair } : {}),
  };
  return { tls, pem };
}

function readKey(choice: KeyChoice, pki: HarnessPkiFiles): Promise<string> | string {
  switch (choice) {
    case 'empty':
      return '';
    case 'client-pkcs1':
      return readFile(pki.clientPkcs1KeyPath, 'utf8');
    case 'client-encrypted':
      return readFile(pki.clientEncryptedKeyPath, 'utf8');
    case 'client-p256-sec1':
      return readFile(pki.sec1KeyPath('clientP256'), 'utf8');
    default:
      return readFile(pki.keyPath(choice), 'utf8');
  }
}

/** The IP address of the engine's host, as a literal an address can hold: 127.0.0.1 for a local engine. */
async function engineIp(): Promise<string> {
  const remote = remoteEngineHost();
  if (!remote) return '127.0.0.1';
  const address = isIP(remote) ? remote : (await lookup(remote)).address;
  return isIP(address) === 6 ? `[${address}]` : address;
}

async function addressFor(choice: AddressChoice, places: Places): Promise<string> {
  const portOf = (address: string) => address.slice(address.lastIndexOf(':') + 1);
  const port = portOf(places.server);
  switch (choice) {
    case 'server':
      return `${engineHost()}:${port}`; // the remote engine's host when DOCKER_HOST names one
    case 'server-ip':
      return `${await engineIp()}:${port}`;
    case 'no-port':
      return engineHost(); // the server on 7233 of the engine's host
    case 'nothing-listening':
      return `localhost:${await unusedPort()}`;
    case 'with-scheme':
      return `https://${engineHost()}:${port}`;
    case 'http-api':
      if (!places.httpApi) throw new Error("the server's HTTP API port is not published");
      return `${engineHost()}:${portOf(places.httpApi)}`;
    case 'unresolvable-name':
      return `temporal.nowhere.invalid:${port}`;
    case 'ipv6-unbracketed':
      return `::1:${port}`;
  }
}
