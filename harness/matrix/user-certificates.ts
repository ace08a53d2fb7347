/**
 * The matrix on the user's own certificates: their server certificate on the servers, their CA
 * and client certificate in the client's hands, and the harness's PKI only for what a scenario
 * needs from elsewhere ("a CA of another PKI"). Scenarios that need a certificate with a defect
 * the user's set does not have are not applied, and the report says why.
 */
import { createPrivateKey } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CredentialName, HarnessPkiFiles } from '../pki/harness-pki';
import { ENCRYPTED_KEY_PASSPHRASE, writeSecret } from '../pki/harness-pki';
import { writeInternalPki } from '../pki/internal-pki';
import type { FleetCertificates } from '../server/fleet';
import { faultCertificate, type KeyChoice, type Scenario, type ServerSpec } from './scenario';

/** The user's files, as given on the command line. */
export interface UserCertificates {
  serverCert: string;
  serverKey: string;
  /** The CA clients trust for the server certificate. */
  ca: string;
  /** The CA the server trusts for client certificates (default: `ca`). */
  clientCa?: string;
  clientCert?: string;
  clientKey?: string;
  /** The name clients verify the server as, when the certificate does not cover localhost. */
  serverName?: string;
}

/** Credentials the harness can stand in for, because a scenario means "someone else's". */
const FOREIGN: ReadonlySet<CredentialName> = new Set(['otherCa', 'clientOtherCa', 'serverOtherCa']);
/** Credentials the user's files provide. */
const FROM_USER_SERVER: ReadonlySet<CredentialName> = new Set(['ca', 'server']);
const FROM_USER_CLIENT: ReadonlySet<CredentialName> = new Set(['client']);
const KEYS_DERIVED_FROM_CLIENT: ReadonlySet<KeyChoice> = new Set(['client-pkcs1', 'client-encrypted', 'empty']);

export interface Applicability {
  applied: Scenario[];
  notApplied: { scenario: string; reason: string }[];
}

/** Which scenarios can run on the user's certificates, each adapted to the server name they need. */
export function applicableScenarios(
  scenarios: Scenario[],
  servers: Record<string, ServerSpec>,
  user: UserCertificates,
): Applicability {
  const result: Applicability = { applied: [], notApplied: [] };
  for (const scenario of scenarios) {
    const reason = whyNotApplicable(scenario, servers[scenario.server], user);
    if (reason) result.notApplied.push({ scenario: scenario.name, reason });
    else result.applied.push(withServerName(scenario, user.serverName));
  }
  return result;
}

function whyNotApplicable(scenario: Scenario, server: ServerSpec, user: UserCertificates): string | undefined {
  if (server.mode !== 'plain' && server.certificate !== 'server') {
    return `needs a server certificate with a specific defect (server "${scenario.server}"); yours is used instead`;
  }
  const replacement = scenario.fault && faultCertificate(scenario.fault);
  if (replacement && !FOREIGN.has(replacement)) {
    return `replaces the server certificate with another from your CA ("${replacement}"), which the harness cannot issue`;
  }
  const tls = scenario.client.tls;
  if (!tls) return undefined;
  const named = [tls.ca, tls.cert, typeof tls.key === 'string' && !KEYS_DERIVED_FROM_CLIENT.has(tls.key) ? tls.key : undefined].flat();
  for (const name of named.filter((n): n is CredentialName => n !== undefined)) {
    if (FOREIGN.has(name) || FROM_USER_SERVER.has(name)) continue;
    if (FROM_USER_CLIENT.has(name)) {
      if (!user.clientCert || !user.clientKey) return 'needs a client certificate and key (--client-cert, --client-key)';
      continue;
    }
    return `needs the harness's "${name}" certificate, which your CA did not issue`;
  }
  if (tls.key && KEYS_DERIVED_FROM_CLIENT.has(tls.key) && (!user.clientCert || !user.clientKey)) {
    return 'needs a client certificate and key (--client-cert, --client-key)';
  }
  return undefined;
}

/** Verify the server as `serverName` where the scenario does not choose a name itself. */
function withServerName(scenario: Scenario, serverName: string | undefined): Scenario {
  const tls = scenario.client.tls;
  if (!serverName || !tls || tls.serverName) return scenario;
  return { ...scenario, client: { ...scenario.client, tls: { ...tls, serverName } } };
}

/**
 * Put the user's files in the places of the minted ones, so every scenario reads them by the
 * same names, and give the servers the user's certificate plus the internal PKI.
 */
export function userFleetCertificates(user: UserCertificates): (pki: HarnessPkiFiles) => Promise<FleetCertificates> {
  return async (pki) => {
    await Promise.all([
      copyFile(user.ca, pki.certPath('ca')),
      copyFile(user.serverCert, pki.certPath('server')),
      writeSecret(pki.keyPath('server'), await readFile(user.serverKey, 'utf8')),
    ]);
    if (user.clientCert && user.clientKey) await placeClientCredentials(pki, user.clientCert, user.clientKey);
    const internal = await writeInternalPki(path.join(pki.dir, 'internal'));
    return {
      internal,
      frontend: () => ({ cert: pki.certPath('server'), key: pki.keyPath('server') }),
      clientCas: [user.clientCa ?? user.ca],
    };
  };
}

async function placeClientCredentials(pki: HarnessPkiFiles, certFile: string, keyFile: string): Promise<void> {
  const keyPem = await readFile(keyFile, 'utf8');
  const key = createPrivateKey(keyPem);
  await Promise.all([
    copyFile(certFile, pki.certPath('client')),
    writeSecret(pki.keyPath('client'), keyPem),
    // PKCS#1 exists only for RSA; for other keys the PKCS#8 form stands in.
    writeSecret(
      pki.clientPkcs1KeyPath,
      key.asymmetricKeyType === 'rsa' ? (key.export({ type: 'pkcs1', format: 'pem' }) as string) : keyPem,
    ),
    writeSecret(
      pki.clientEncryptedKeyPath,
      key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: ENCRYPTED_KEY_PASSPHRASE }) as string,
    ),
  ]);
}
