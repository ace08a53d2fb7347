/**
 * Evidence beyond the error text, for causes the stacks word the same way: what the client was
 * given (its PEMs, its certificate's validity and usage) and what the server actually sends.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { Stack } from '../matrix/results';
import { storesHoldingIssuer, type IssuerStore } from './trust-stores';

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

/** Evidence beyond the error text that takes a look at the server: see {@link serverEvidence}. */
export interface ServerEvidence {
  incompleteChain: boolean;
  issuerStores: IssuerStore[];
}

/**
 * What the server sends, held against what the client knows: whether the leaf comes without the
 * intermediate that issued it (true when its issuer is one of `knownIntermediates`, CA
 * certificates that are not self-signed, and no certificate sent is that issuer; neither stack
 * can tell this from a wrong CA, both just find no path), and which trust stores of the
 * environment (`variables`) hold its issuer.
 */
export async function serverEvidence(
  address: string,
  serverName: string | undefined,
  knownIntermediates: X509Certificate[],
  environment: { stack: Stack; variables: Record<string, string | undefined>; nodeFlags?: readonly string[] },
): Promise<ServerEvidence> {
  const sent = await presentedChain(address, serverName).catch(() => []);
  return {
    incompleteChain: incompleteChain(sent, knownIntermediates),
    issuerStores: storesHoldingIssuer(sent, environment.variables, environment.stack, environment.nodeFlags),
  };
}

function incompleteChain(sent: X509Certificate[], knownIntermediates: X509Certificate[]): boolean {
  const [leaf, ...rest] = sent;
  if (!leaf) return false;
  const issuer = knownIntermediates.find((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  return issuer !== undefined && !rest.some((cert) => cert.fingerprint256 === issuer.fingerprint256);
}

/** The certificates a TLS server sends, in order, read without verifying them. */
export function presentedChain(address: string, serverName?: string, timeoutMs = 3000): Promise<X509Certificate[]> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: serverName ?? (isIp(host) ? undefined : host),
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
      timeout: timeoutMs,
    });
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
