/**
 * Evidence beyond the error text, for causes the stacks word the same way: what the client was
 * given (its PEMs, its certificate's validity and usage) and what the server actually sends.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { Stack } from '../model/stack';
import { detectEncoding, type InputEncoding } from '../pki/encodings';
import { workerRefusal, type KeyRefusal } from '../pki/key-support';
import { storesHoldingIssuer, systemStoreEmpty, type IssuerStore } from './trust-stores';
import { listenersBehindPublishedPort, onlyLoopback } from '../server/listeners';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

/** What the client certificate it was given says about itself. */
export interface ClientCertFacts {
  expired: boolean;
  notYetValid: boolean;
  /** False when an extendedKeyUsage extension is present without clientAuth. */
  clientAuthAllowed: boolean;
  /** Whether the key given with it belongs to it; undefined when the key does not parse. */
  keyMatches?: boolean;
}

export function clientCertFacts(certPem: string | undefined, keyPem?: string, now = Date.now()): ClientCertFacts | undefined {
  if (!certPem) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    const usages = cert.keyUsage; // Node names the extendedKeyUsage OIDs "keyUsage"
    return {
      expired: Date.parse(cert.validTo) < now,
      notYetValid: Date.parse(cert.validFrom) > now,
      clientAuthAllowed: usages === undefined || usages.includes(CLIENT_AUTH_OID),
      keyMatches: keyMatches(cert, keyPem),
    };
  } catch {
    return undefined;
  }
}

function keyMatches(cert: X509Certificate, key: string | undefined): boolean | undefined {
  try {
    return key ? cert.checkPrivateKey(createPrivateKey(key)) : undefined;
  } catch {
    return undefined;
  }
}

/** Which form the client certificate and key were given in (PEM, DER, PKCS#12, base64 of PEM). */
export interface InputEncodings {
  cert?: InputEncoding;
  key?: InputEncoding;
}

export function inputEncodings(pair: { crt: Uint8Array; key: Uint8Array } | undefined): InputEncodings {
  return pair ? { cert: detectEncoding(Buffer.from(pair.crt)), key: detectEncoding(Buffer.from(pair.key)) } : {};
}

/** Evidence beyond the error text that takes a look at the server and the proxy: see {@link gatherEvidence}. */
export interface Evidence {
  /** The address is a port a local container publishes, and inside it only loopback listens there. */
  serverFound?: 'SERVER_BOUND_TO_LOOPBACK';
  incompleteChain: boolean;
  issuerStores: IssuerStore[];
  /** Whether the address answers plain HTTP/1.x requests (an HTTP API or web UI, not gRPC). */
  httpEndpoint: boolean;
  /** Whether the proxy the stack goes through accepts connections; undefined when there is none. */
  proxyAnswers?: boolean;
  /** Why the worker (rustls) refuses the key of the certificate the server sends, if it does. */
  serverKeyRefusal?: KeyRefusal;
  /** The server completes a handshake, but not one limited to the suites rustls implements (see {@link refusesRustlsSuites}). */
  sharesNoRustlsSuite: boolean;
  systemStoreEmpty: boolean;
}

export interface EvidenceTarget {
  address: string;
  serverName?: string;
  /** `host:port` of the proxy the stack goes through. */
  proxy?: string;
}

/**
 * What the server sends, held against what the client knows: whether the leaf comes without the
 * intermediate that issued it (true when its issuer is one of `knownIntermediates`, CA
 * certificates that are not self-signed, and no certificate sent is that issuer; neither stack
 * can tell this from a wrong CA, both just find no path), and which trust stores of the
 * environment (`variables`) hold its issuer. Then whether the address is an HTTP endpoint, and
 * whether the proxy answers. rustls words a server key it cannot verify as a handshake failure
 * or a bad signature, so the key the leaf carries is named too.
 */
export async function gatherEvidence(
  target: EvidenceTarget,
  knownIntermediates: X509Certificate[],
  environment: { stack: Stack; variables: Record<string, string | undefined>; nodeFlags?: readonly string[] },
): Promise<Evidence> {
  const [sent, httpEndpoint, proxyAnswers, rustlsSuitesRefused, boundToLoopback] = await Promise.all([
    presentedChain(target.address, target.serverName).catch(() => []),
    answersHttp(target.address),
    target.proxy ? accepts(target.proxy) : undefined,
    refusesRustlsSuites(target.address, target.serverName),
    publishedToLoopbackOnly(target.address),
  ]);
  return {
    ...(boundToLoopback ? { serverFound: 'SERVER_BOUND_TO_LOOPBACK' as const } : {}),
    sharesNoRustlsSuite: sent.length > 0 && rustlsSuitesRefused,
    incompleteChain: incompleteChain(sent, knownIntermediates),
    ...(sent[0] ? { serverKeyRefusal: workerRefusal(sent[0].publicKey) } : {}),
    issuerStores: storesHoldingIssuer(sent, environment.variables, environment.stack, environment.nodeFlags),
    httpEndpoint,
    ...(proxyAnswers === undefined ? {} : { proxyAnswers }),
    systemStoreEmpty: systemStoreEmpty(environment.variables),
  };
}

/**
 * Whether a local address is a port a local container publishes while, inside it, only loopback
 * listens there (temporal #9734): from outside that reads like nothing listening.
 */
async function publishedToLoopbackOnly(address: string): Promise<boolean> {
  const { host, port } = splitAddress(address);
  if (!LOCAL_HOSTS.has(host)) return false;
  const family = await lookup(host).then(({ family }) => family, () => 4);
  const behind = await listenersBehindPublishedPort(port, family === 6 ? 6 : 4).catch(() => undefined);
  return behind !== undefined && onlyLoopback(behind.inside);
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * The suites rustls implements, in OpenSSL's names: TLS 1.3's three, and TLS 1.2's ECDHE suites
 * with AES-GCM or ChaCha20-Poly1305. It has no CBC, no RSA key exchange, no TLS 1.0 or 1.1.
 */
const RUSTLS_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Whether the server refuses a handshake that offers only what rustls (the worker) can speak. */
export function refusesRustlsSuites(address: string, serverName?: string, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = unverifiedHandshake(address, serverName, timeoutMs, { minVersion: 'TLSv1.2', ciphers: RUSTLS_SUITES });
    const done = (refused: boolean) => {
      socket.destroy();
      resolve(refused);
    };
    socket.once('secureConnect', () => done(false));
    socket.once('timeout', () => done(false));
    socket.once('error', (error: Error) => done(/handshake failure|no shared cipher|alert number 40/i.test(error.message)));
  });
}

/** What Go's TLS server answers an HTTP request sent in plaintext: a TLS port, not an HTTP one. */
const GO_TLS_PORT_REPLY = 'Client sent an HTTP request to an HTTPS server';

/** Whether `address` answers a plain HTTP/1.1 GET (in plaintext, or over TLS on a TLS port) with an HTTP response. */
export async function answersHttp(address: string, timeoutMs = 2000): Promise<boolean> {
  const plain = await httpReply(address, false, timeoutMs);
  if (plain.includes(GO_TLS_PORT_REPLY)) return isHttpResponse(await httpReply(address, true, timeoutMs));
  return isHttpResponse(plain);
}

const isHttpResponse = (reply: string) => /^HTTP\/1\.[01] [1-5]\d\d/.test(reply);

function httpReply(address: string, overTls: boolean, timeoutMs: number): Promise<string> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve) => {
    const request = `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
    const socket = overTls
      ? tls.connect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => socket.write(request))
      : net.connect({ host, port }, () => socket.write(request));
    let reply = '';
    const done = () => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, done);
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.length > 512) done();
    });
    socket.once('end', done);
    socket.once('close', done);
    socket.once('error', done);
  });
}

/** Whether something accepts TCP connections at `address`. */
export function accepts(address: string, timeoutMs = 2000): Promise<boolean> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function incompleteChain(sent: X509Certificate[], knownIntermediates: X509Certificate[]): boolean {
  const [leaf, ...rest] = sent;
  if (!leaf) return false;
  const issuer = knownIntermediates.find((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  return issuer !== undefined && !rest.some((cert) => cert.fingerprint256 === issuer.fingerprint256);
}

/** Why the worker refuses the client key given, when it parses and rustls cannot use it. */
export function clientKeyRefusal(keyPem: string | undefined): KeyRefusal | undefined {
  try {
    return keyPem ? workerRefusal(createPublicKey(keyPem)) : undefined;
  } catch {
    return undefined;
  }
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The key belongs to a certificate after the first of the file: the chain is in the wrong order. */
export function keyFitsLaterCertificate(certText: string | undefined, keyPem: string | undefined): boolean {
  if (!certText || !keyPem) return false;
  try {
    const key = createPrivateKey(keyPem);
    const [, ...later] = certText.match(CERTIFICATE_BLOCK) ?? [];
    return later.some((block) => {
      try {
        return new X509Certificate(block).checkPrivateKey(key);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** A TLS connection to `address` as a gRPC client opens one, verifying nothing: only the handshake is looked at. */
function unverifiedHandshake(address: string, serverName: string | undefined, timeoutMs: number, options: tls.ConnectionOptions = {}): tls.TLSSocket {
  const { host, port } = splitAddress(address);
  const servername = serverName ?? (isIp(host) ? undefined : host);
  return tls.connect({ host, port, servername, rejectUnauthorized: false, ALPNProtocols: ['h2'], timeout: timeoutMs, ...options });
}

/** The certificates a TLS server sends, in order, read without verifying them. */
export function presentedChain(address: string, serverName?: string, timeoutMs = 3000): Promise<X509Certificate[]> {
  return new Promise((resolve, reject) => {
    const socket = unverifiedHandshake(address, serverName, timeoutMs);
    socket.once('secureConnect', () => {
      const chain: X509Certificate[] = [];
      let current = socket.getPeerX509Certificate();
      // Node links each certificate to its issuer only within what the server sent.
      for (let depth = 0; current && depth < 10; depth++) {
        chain.push(current);
        current = current.issuerCertificate;
      }
      socket.destroy();
      resolve(chain);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS answer from ${address} within ${timeoutMs}ms`)));
    socket.once('error', reject);
  });
}

export function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(address);
  return { host: match?.[1] ?? address, port: Number(match?.[2] ?? 7233) };
}

const isIp = (host: string) => /^[\d.]+$|:/.test(host);
