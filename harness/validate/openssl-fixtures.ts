/**
 * For tests: certificates made by the `openssl` command line (OpenSSL 3.0), the way users make
 * theirs, so `validate` is judged on files the harness did not mint. One good set (a CA without a
 * CN, server and client certificates, RSA PKCS#8, PKCS#1 and EC SEC1 keys, a chain in one file)
 * and one file per defect of the matrix's certificate families. Keys are written 0600.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Extension sections, so nothing depends on the machine's openssl.cnf. */
const CONFIG = `
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[ server_tls_sample ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:tls-sample,IP:::1
[ server_cn_only ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
[ server_client_auth_only ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[ client ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
[ client_server_auth_only ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
[ self_signed_server ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
subjectAltName = DNS:localhost,IP:127.0.0.1
[ ca_db ]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = optional
organizationName = optional
`;

type KeySpec = 'rsa:2048' | 'rsa:1024' | 'ec' | 'ec:P-521' | 'ed25519';
type Issuer = 'root' | 'intermediate' | 'otherRoot';

interface LeafSpec {
  key: string;
  subject: string;
  issuer: Issuer;
  /** Extension section; null signs with no extensions at all, which makes `openssl x509 -req` write v1. */
  extensions: string | null;
  days?: number;
  digest?: 'sha256' | 'sha1';
  /** Validity window for `openssl ca` (YYYYMMDDHHMMSSZ), for certificates outside "now". */
  window?: { start: string; end: string };
}

const KEYS: Record<string, KeySpec> = {
  root: 'rsa:2048',
  intermediate: 'rsa:2048',
  otherRoot: 'rsa:2048',
  server: 'rsa:2048',
  client: 'rsa:2048',
  clientEc: 'ec',
  clientSmall: 'rsa:1024',
  clientP521: 'ec:P-521',
  clientEd25519: 'ed25519',
  caAsLeaf: 'rsa:2048',
};

const DAY_MS = 24 * 60 * 60 * 1000;
const opensslDate = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');

function leaves(now: number): Record<string, LeafSpec> {
  const client = { key: 'client', subject: '/CN=validate-client', issuer: 'root', extensions: 'client' } as const;
  const server = { key: 'server', subject: '/CN=localhost', issuer: 'root', extensions: 'server' } as const;
  return {
    server,
    client,
    'client-ec': { ...client, key: 'clientEc', subject: '/CN=validate-client-ec' },
    'client-chain-leaf': { ...client, issuer: 'intermediate' },
    'client-expired': { ...client, window: { start: opensslDate(now - 60 * DAY_MS), end: opensslDate(now - DAY_MS) } },
    'client-not-yet-valid': { ...client, window: { start: opensslDate(now + 30 * DAY_MS), end: opensslDate(now + 60 * DAY_MS) } },
    'client-expires-soon': { ...client, days: 10 },
    'client-server-auth-only': { ...client, extensions: 'client_server_auth_only' },
    'client-v1': { ...client, extensions: null },
    'client-sha1': { ...client, digest: 'sha1' },
    'client-other-ca': { ...client, issuer: 'otherRoot' },
    'client-small-key': { ...client, key: 'clientSmall' },
    'client-p521': { ...client, key: 'clientP521' },
    'client-ed25519': { ...client, key: 'clientEd25519' },
    'server-expired': { ...server, window: { start: opensslDate(now - 60 * DAY_MS), end: opensslDate(now - DAY_MS) } },
    'server-v1': { ...server, extensions: null },
    'server-sha1': { ...server, digest: 'sha1' },
    'server-cn-only': { ...server, extensions: 'server_cn_only' },
    'server-tls-sample': { ...server, subject: '/CN=tls-sample', extensions: 'server_tls_sample' },
    'server-via-intermediate': { ...server, issuer: 'intermediate' },
    'server-client-auth-only': { ...server, extensions: 'server_client_auth_only' },
  };
}

export type LeafName = keyof ReturnType<typeof leaves>;

export interface OpensslFixtures {
  dir: string;
  /** `<name>.pem` in the folder. */
  cert(name: LeafName | Issuer): string;
  /** `<key>.key` in the folder: the key a leaf was made with. */
  keyOf(name: LeafName | Issuer): string;
  /** The client key in other formats. */
  clientPkcs1Key: string;
  clientEncryptedKey: string;
  clientLegacyEncryptedKey: string;
  /** Leaf then intermediate, in one file; and the same in the wrong order. */
  clientChain: string;
  clientChainReversed: string;
  /** The client certificate and key in other forms than PEM, as other tools and secret stores hand them out. */
  clientCertDer: string;
  clientKeyDer: string;
  /** `openssl pkcs12 -export -passout pass:` of the client certificate and key. */
  clientPkcs12: string;
  /** The client certificate PEM base64-encoded once more (`openssl base64 -A`). */
  clientCertBase64: string;
  /** `openssl req -x509` with CA:TRUE and SANs for localhost: a server certificate that is its own CA. */
  caAsLeaf: string;
}

/**
 * Make everything in `dir` (created). Takes a few seconds: seven key pairs and ~25 signatures.
 * With `root`, that CA (certificate and key files) signs in place of a new one, so the leaves
 * are accepted by a server that trusts it.
 */
export function makeOpensslFixtures(dir: string, options: { now?: number; root?: { cert: string; key: string } } = {}): OpensslFixtures {
  const now = options.now ?? Date.now();
  mkdirSync(path.join(dir, 'ca-db'), { recursive: true });
  writeFileSync(path.join(dir, 'openssl.cnf'), CONFIG);
  writeFileSync(path.join(dir, 'ca-db', 'index.txt'), '');
  writeFileSync(path.join(dir, 'ca-db', 'serial'), '1000\n');
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const file = (name: string) => path.join(dir, name);
  if (options.root) {
    copyFileSync(options.root.cert, file('root.pem'));
    copyFileSync(options.root.key, file('root.key'));
  }
  for (const [name, spec] of Object.entries(KEYS)) {
    if (name === 'root' && options.root) continue;
    const algorithms: Record<KeySpec, string[]> = {
      ec: ['ecparam', '-name', 'prime256v1', '-genkey'],
      'ec:P-521': ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
      ed25519: ['genpkey', '-algorithm', 'ED25519'],
      'rsa:2048': ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      'rsa:1024': ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
    };
    const algorithm = algorithms[spec];
    // ecparam -genkey writes an EC PARAMETERS block before the SEC1 key, as users get it by default.
    run(...algorithm, '-out', file(`${name}.key`));
  }
  const keyFor: Record<string, string> = { root: 'root', intermediate: 'intermediate', otherRoot: 'otherRoot' };
  if (!options.root) {
    run('req', '-config', 'openssl.cnf', '-x509', '-new', '-key', file('root.key'), '-subj', '/O=Validate Test Root, Inc.', '-days', '365', '-extensions', 'ca', '-out', file('root.pem'));
  }
  run('req', '-config', 'openssl.cnf', '-x509', '-new', '-key', file('otherRoot.key'), '-subj', '/CN=Some Other Root', '-days', '365', '-extensions', 'ca', '-out', file('otherRoot.pem'));
  run('req', '-config', 'openssl.cnf', '-new', '-key', file('intermediate.key'), '-subj', '/O=Validate Test Intermediate', '-out', file('intermediate.csr'));
  run('x509', '-req', '-in', file('intermediate.csr'), '-CA', file('root.pem'), '-CAkey', file('root.key'), '-CAcreateserial', '-days', '365', '-extfile', 'openssl.cnf', '-extensions', 'ca', '-out', file('intermediate.pem'));
  for (const [name, spec] of Object.entries(leaves(now))) {
    keyFor[name] = spec.key;
    const csr = file(`${name}.csr`);
    run('req', '-config', 'openssl.cnf', '-new', '-key', file(`${spec.key}.key`), '-subj', spec.subject, '-out', csr);
    const issuer = ['-CA', file(`${spec.issuer}.pem`), '-CAkey', file(`${spec.issuer}.key`)];
    if (spec.window) {
      run('ca', '-batch', '-config', 'openssl.cnf', '-name', 'ca_db', '-notext', '-cert', issuer[1], '-keyfile', issuer[3], '-in', csr, '-startdate', spec.window.start, '-enddate', spec.window.end, '-extfile', 'openssl.cnf', '-extensions', spec.extensions ?? 'client', '-out', file(`${name}.pem`));
      continue;
    }
    const extensions = spec.extensions === null ? [] : ['-extfile', 'openssl.cnf', '-extensions', spec.extensions];
    run('x509', '-req', '-in', csr, ...issuer, '-CAcreateserial', '-days', String(spec.days ?? 365), `-${spec.digest ?? 'sha256'}`, ...extensions, '-out', file(`${name}.pem`));
  }
  run('pkey', '-in', file('client.key'), '-traditional', '-out', file('client-pkcs1.key'));
  run('pkey', '-in', file('client.key'), '-aes256', '-passout', 'pass:validate', '-out', file('client-encrypted.key'));
  run('pkey', '-in', file('client.key'), '-traditional', '-aes256', '-passout', 'pass:validate', '-out', file('client-legacy-encrypted.key'));
  const pem = (name: string) => readFileSync(file(name), 'utf8');
  writeFileSync(file('client-chain.pem'), pem('client-chain-leaf.pem') + pem('intermediate.pem'));
  writeFileSync(file('client-chain-reversed.pem'), pem('intermediate.pem') + pem('client-chain-leaf.pem'));
  run('x509', '-in', file('client.pem'), '-outform', 'der', '-out', file('client.der'));
  run('pkey', '-in', file('client.key'), '-outform', 'der', '-out', file('client-key.der'));
  run('pkcs12', '-export', '-in', file('client.pem'), '-inkey', file('client.key'), '-passout', 'pass:', '-out', file('client.p12'));
  run('base64', '-A', '-in', file('client.pem'), '-out', file('client.pem.b64'));
  run('req', '-config', 'openssl.cnf', '-x509', '-new', '-key', file('caAsLeaf.key'), '-subj', '/CN=localhost', '-days', '365', '-extensions', 'self_signed_server', '-out', file('ca-as-leaf.pem'));
  for (const name of readdirSync(dir).filter((entry) => /\.key$|key\.der$|\.p12$/.test(entry))) chmodSync(file(name), 0o600);
  return {
    dir,
    cert: (name) => file(`${name}.pem`),
    keyOf: (name) => file(`${keyFor[name]}.key`),
    clientPkcs1Key: file('client-pkcs1.key'),
    clientEncryptedKey: file('client-encrypted.key'),
    clientLegacyEncryptedKey: file('client-legacy-encrypted.key'),
    clientChain: file('client-chain.pem'),
    clientChainReversed: file('client-chain-reversed.pem'),
    clientCertDer: file('client.der'),
    clientKeyDer: file('client-key.der'),
    clientPkcs12: file('client.p12'),
    clientCertBase64: file('client.pem.b64'),
    caAsLeaf: file('ca-as-leaf.pem'),
  };
}
