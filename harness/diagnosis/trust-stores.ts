/**
 * Trust stores outside the application's options: which variables each stack reads, as measured
 * against the real server (README, "Trust stores and proxies"), and which of the stores set in
 * an environment hold the CA that issued the server's certificate.
 *
 * - client (grpc-js on Node's OpenSSL): Node's bundled Mozilla roots plus NODE_EXTRA_CA_CERTS
 *   (read at process start), or GRPC_DEFAULT_SSL_ROOTS_FILE_PATH instead of them; OpenSSL's
 *   SSL_CERT_FILE / SSL_CERT_DIR only under `--use-openssl-ca`.
 * - worker (rustls-native-certs): SSL_CERT_FILE / SSL_CERT_DIR when set, else the Debian paths.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { Stack } from '../model/stack';

export const TRUST_STORE_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH', 'SSL_CERT_FILE', 'SSL_CERT_DIR'] as const;
export type TrustStoreVariable = (typeof TRUST_STORE_VARIABLES)[number];

export function storesReadBy(stack: Stack, nodeFlags: readonly string[] = []): TrustStoreVariable[] {
  if (stack === 'worker') return ['SSL_CERT_FILE', 'SSL_CERT_DIR'];
  const openssl = nodeFlags.includes('--use-openssl-ca') ? (['SSL_CERT_FILE', 'SSL_CERT_DIR'] as const) : [];
  return ['NODE_EXTRA_CA_CERTS', 'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH', ...openssl];
}

/** A store set in the environment that holds the issuer of the server's certificate. */
export interface IssuerStore {
  variable: TrustStoreVariable;
  /** Whether the stack in question reads this variable. */
  read: boolean;
}

/**
 * Parsed store files, by path, size and modification time: every failing cell asks, and a
 * system store (Debian's bundle, or /etc/ssl/certs with its ~300 entries) took 10-30 ms to parse
 * each time, 13.8 s of the harness's CPU in one matrix run.
 */
const parsedFiles = new Map<string, { version: string; certificates: X509Certificate[] }>();

/** The certificates a trust-store variable points at: a PEM file, or every file of a folder. */
export function storeCertificates(value: string): X509Certificate[] {
  const read = (file: string) => {
    try {
      const stats = statSync(file);
      if (!stats.isFile()) return [];
      const version = `${stats.size}:${stats.mtimeMs}`;
      const cached = parsedFiles.get(file);
      if (cached?.version === version) return cached.certificates;
      const certificates = certificatesIn(readFileSync(file, 'utf8'));
      parsedFiles.set(file, { version, certificates });
      return certificates;
    } catch {
      return []; // a dangling link or an unreadable file is skipped, as OpenSSL and rustls skip it
    }
  };
  try {
    return statSync(value).isDirectory() ? readdirSync(value).flatMap((name) => read(path.join(value, name))) : read(value);
  } catch {
    return [];
  }
}

function certificatesIn(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });
}

/** The stores in `variables` holding a CA that issued a certificate of `chain` (as the server sent it). */
export function storesHoldingIssuer(
  chain: X509Certificate[],
  variables: Record<string, string | undefined>,
  stack: Stack,
  nodeFlags: readonly string[] = [],
): IssuerStore[] {
  const read = storesReadBy(stack, nodeFlags);
  return TRUST_STORE_VARIABLES.filter((variable) => {
    const value = variables[variable];
    if (!value) return false;
    const cas = storeCertificates(value);
    return chain.some((cert) => cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey)));
  }).map((variable) => ({ variable, read: read.includes(variable) }));
}

/** The worker's system store is set (SSL_CERT_FILE / SSL_CERT_DIR) and holds no certificate: empty, or a path that does not exist. */
export function systemStoreEmpty(variables: Record<string, string | undefined>): boolean {
  const set = (['SSL_CERT_FILE', 'SSL_CERT_DIR'] as const).map((variable) => variables[variable]).filter((value): value is string => !!value);
  return set.length > 0 && set.every((value) => storeCertificates(value).length === 0);
}
