/**
 * The server's side of the setup, read from the server itself: the certificates it sends
 * (fetched over TLS without verifying them), checked like the user's own (validity, version,
 * signature, usage), against the name the client verifies, and against the CA the client trusts.
 * This explains a failed probe before the probe runs, in terms of the certificate.
 */
import { isIP } from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { presentedChain, splitAddress } from '../diagnosis/evidence';
import { certEntry, checkCertificate, describeCertificate, isSelfSigned, issuerPath, subjectOf } from './cert-checks';
import { finding, type CheckResult, type Finding } from './findings';
import type { ParsedSetup } from './lint';
import type { PemInputs } from './pem-input';
import type { TlsSettings, ValidateSettings } from './settings';

/** Servers across the internet answer slower than the matrix's local containers. */
export const LIVE_TIMEOUT_MS = 5000;

export async function checkServerCertificate(
  settings: ValidateSettings,
  parsed: ParsedSetup,
  inputs: PemInputs,
  now: number,
): Promise<CheckResult> {
  if (settings.tls === false) return { findings: [], checked: [] };
  let sent: X509Certificate[];
  try {
    sent = await presentedChain(settings.address, settings.tls.serverName, LIVE_TIMEOUT_MS);
  } catch (error) {
    return { findings: [], checked: [`server certificate: not read from ${settings.address} (${(error as Error).message})`] };
  }
  return lintServerChain(sent, settings.address, settings.tls, { certs: parsed.caCerts, label: inputs.ca?.label }, now);
}

/** The CA the client trusts: the certificates of its CA file and the file's name; none means the bundled roots. */
export interface TrustedCa {
  certs: X509Certificate[];
  label?: string;
}

/**
 * The checks on the chain a server sends, as the client configured by `tls` will see it. Pure:
 * `sent` may come from the server (above) or from files.
 */
export function lintServerChain(
  sent: X509Certificate[],
  address: string,
  tls: TlsSettings,
  ca: TrustedCa,
  now: number,
): CheckResult {
  const [leaf, ...rest] = sent;
  if (!leaf) return { findings: [], checked: [`server certificate: ${address} sent none`] };
  const from = `sent by ${address}`;
  const entries = [
    certEntry(leaf, 'server', `server certificate ${from}`),
    ...rest.map((cert, index) => certEntry(cert, 'server-issuer', `certificate #${index + 2} ${from}`)),
  ];
  const name = tls.serverName ?? splitAddress(address).host;
  const nameFindings = checkName(leaf, name, tls);
  const trustFindings = checkTrust(leaf, rest, ca);
  return {
    checked: [
      ...entries.map((entry) => `${entry.where}: ${describeCertificate(entry)}`),
      ...(nameFindings.length === 0 ? [`server certificate names "${name}" (${leaf.subjectAltName})`] : []),
      ...(trustFindings.length === 0 ? [`server certificate chains to ${ca.label ?? 'a bundled root'}`] : []),
    ],
    findings: [...entries.flatMap((entry) => checkCertificate(entry, now)), ...nameFindings, ...trustFindings],
  };
}

/** `name` is the one the client verifies: the server name override, else the host it dials. */
function checkName(leaf: X509Certificate, name: string, settings: TlsSettings): Finding[] {
  const sans = leaf.subjectAltName;
  const nameMatches = (options: { subject: 'never' | 'always' }) =>
    isIP(name) ? leaf.checkIP(name) !== undefined : leaf.checkHost(name, options) !== undefined;
  if (sans === undefined) {
    return nameMatches({ subject: 'always' })
      ? [finding('SERVER_CERT_NO_SAN', 'error', `the server certificate names "${name}" only in its CN and has no subjectAltName; the worker (rustls) refuses it`)]
      : [finding('SERVER_NAME_MISMATCH', 'error', `the server certificate "${subjectOf(leaf)}" has no subjectAltName and does not name "${name}"`)];
  }
  if (nameMatches({ subject: 'never' })) return [];
  const how = settings.serverName ? `the server name "${name}"` : `"${name}", the host dialled,`;
  return [
    finding(
      'SERVER_NAME_MISMATCH',
      'error',
      `the server certificate does not name ${how} (it names ${sans})`,
      `Set the server name (serverNameOverride) to a name the certificate lists (${sans}), or dial one of them.`,
    ),
  ];
}

let systemRoots: X509Certificate[] | undefined;

/** The roots a client trusts when it is given no CA: Node's bundled store (grpc-js uses it too). */
function bundledRoots(): X509Certificate[] {
  systemRoots ??= tls.rootCertificates.map((pem) => new X509Certificate(pem));
  return systemRoots;
}

/**
 * Whether the client can build a path from the leaf to a self-signed root it trusts. OpenSSL (the
 * client stack) needs that root; webpki (the worker) accepts any trusted certificate on the path.
 */
function checkTrust(leaf: X509Certificate, sentChain: X509Certificate[], ca: TrustedCa): Finding[] {
  const anchors = ca.label ? ca.certs : bundledRoots();
  const trusted = (cert: X509Certificate) => anchors.some((anchor) => anchor.fingerprint256 === cert.fingerprint256);
  // A leaf trusted as it is (a self-signed certificate given as the CA) needs no path.
  if (trusted(leaf) && isSelfSigned(leaf)) return [];
  const path = issuerPath(leaf, [...sentChain, ...anchors]);
  const trustedOnPath = path.filter(trusted);
  const caName = ca.label ?? 'the bundled root store (no CA given)';
  if (trustedOnPath.length === 0) {
    const issuer = leaf.issuer.replace(/\n/g, ', ');
    return [
      finding(
        'SERVER_CA_UNTRUSTED',
        'error',
        `the server certificate (issued by "${issuer}") does not chain to ${caName}`,
        ca.label
          ? `Give the CA that issued the server certificate ("${issuer}", or the root above it); if "${issuer}" is an intermediate, the server must send it after its own certificate (a full-chain certFile).`
          : 'Give the CA that issued the server certificate (--ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH, ...).',
      ),
    ];
  }
  if (!trustedOnPath.some(isSelfSigned)) {
    return [
      finding(
        'INTERMEDIATE_AS_ROOT',
        'error',
        `${caName} holds the intermediate "${subjectOf(trustedOnPath[0])}" but not the root above it; the client stack (OpenSSL) refuses such a path, the worker accepts it`,
      ),
    ];
  }
  return [];
}
