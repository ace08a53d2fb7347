/**
 * The shape of a scenario: which server, what the client side presents, and what each stack is
 * expected to do. Scenarios are data (see scenarios/); the runner turns them into connections.
 */
import type { ClientEncoding } from '../pki/encodings';
import type { Mangling } from '../pki/pem-damage';
import type { CredentialName } from '../pki/harness-pki';
import type { DynamicConfig, ServerMode, SystemWorkerMisconfiguration } from '../server/config';
import type { DiagnosisCode } from '../diagnosis/codes';
import type { Expectation, VersionedExpectation } from '../model/expectation';
import type { IntermediarySpec } from '../model/intermediary';
import type { Stack } from '../model/stack';
import type { StrayBytes } from '../auth/stray-bytes';

/** A server the matrix can start: its mode and the certificate its frontend presents. */
export interface ServerSpec {
  mode: ServerMode;
  /** The certificate the frontend presents by default (tls and mtls). */
  certificate?: CredentialName;
  /** Send the issuing intermediate after the leaf, as a full-chain file does. */
  sendChain?: boolean;
  /** mtls with client CAs but `requireClientAuth: false`: the server never asks for a certificate. */
  requireClientAuth?: false;
  /** Bind this host port instead of a random one (when it is free). */
  hostPort?: number;
  /** Authorization on (default authorizer and JWT claim mapper); `audience`: an `aud` tokens must carry. */
  authorization?: { audience?: string };
  /**
   * Survive a container restart as a real server does: state in a SQLite file in the container,
   * and host ports bound explicitly, since Docker gives a restarted container new ephemeral host
   * ports (measured with Docker 20.10: a new one on every restart and every stop/start).
   */
  survivesRestart?: true;
  /** How often the server re-reads its certificate files (`global.tls.refreshInterval`), e.g. `1s`. */
  tlsRefreshInterval?: string;
  /** Dynamic config the server starts with: the lifetime family shortens the server's timers this way. */
  dynamicConfig?: DynamicConfig;
  /**
   * Run the server's own worker (the worker service, which the matrix's servers otherwise leave
   * out), set up as users get it wrong: what clients of such a server see.
   */
  systemWorkerMisconfigured?: SystemWorkerMisconfiguration;
  /** The address the frontend binds inside its container; `127.0.0.1`: its published port reaches nothing. */
  frontendBindIp?: string;
  about: string;
}

/** Which address the client dials. */
export type AddressChoice =
  /** `localhost:<mapped port>` of the scenario's server. */
  | 'server'
  /** `127.0.0.1:<mapped port>` (a remote engine's: its host's IP address). */
  | 'server-ip'
  /** Just `localhost` (a remote engine's: its host): the SDKs' default port 7233 applies. */
  | 'no-port'
  /** A local port nothing listens on. */
  | 'nothing-listening'
  /** `https://localhost:<port>`, a URL where a host:port belongs. */
  | 'with-scheme'
  /** `localhost:<port>` of the server's HTTP API (7243 in the container), not its gRPC frontend. */
  | 'http-api'
  /** A name under `.invalid` (RFC 2606), which no resolver answers: a typo, a deleted endpoint, a compose service name used outside compose. */
  | 'unresolvable-name'
  /** `::1:<mapped port>`: the IPv6 loopback without the brackets a literal with a port needs, so the port cannot be told from the address. */
  | 'ipv6-unbracketed';

/** How a connection reached the server: through the harness's CONNECT proxy, or not. */
export type Route = 'proxy' | 'direct';

/** Private keys beyond the credentials' own PKCS#8 ones. */
export type KeyChoice = CredentialName | 'client-pkcs1' | 'client-encrypted' | 'client-p256-sec1' | 'empty';

/** TLS as the application configures it. No `ca` means the system roots. */
export interface TlsSetup {
  /** The CA the client trusts; a list is one bundle of those CAs in that order (a staged CA rotation). */
  ca?: CredentialName | CredentialName[];
  cert?: CredentialName;
  key?: KeyChoice;
  serverName?: string;
  /** Give the key where the certificate belongs and the other way round. */
  swapCertAndKey?: boolean;
  /** Damage one PEM the way environment variables and secret stores do. */
  mangle?: { part: 'key' | 'cert'; how: Mangling };
  /** Give the certificate and key in another form than PEM, or in one file, or in another order. */
  encoding?: ClientEncoding;
}

/**
 * The payload codec of the stack under test when the scenario uses encryption; the other side
 * (the harness's own worker or client) always has the right one. Omitted: no codec anywhere.
 */
export type CodecChoice = 'shared' | 'missing' | 'wrong-key';

/** A value of a variable in a cell's environment: text, or a file or address the harness provides. */
export type EnvValue =
  | string
  /** The path of a certificate of the harness PKI, e.g. a CA file for NODE_EXTRA_CA_CERTS. */
  | { certificate: CredentialName }
  /** `http://127.0.0.1:<port>` of the cell's intermediary (ClientSetup.via), e.g. its CONNECT proxy. */
  | { via: 'url' }
  /** `http://127.0.0.1:<port>` of a port where nothing listens. */
  | { proxy: 'nothing-listening' };

/**
 * The environment the stack under test starts with. A cell with one runs in a child process
 * started with exactly these variables (and none of the harness's own trust or proxy variables).
 */
export interface CellEnvironment {
  variables?: Record<string, EnvValue>;
  /**
   * The system trust store: SSL_CERT_FILE and SSL_CERT_DIR point at a folder the harness
   * controls, empty or holding this one CA.
   */
  systemStore?: 'empty' | CredentialName;
  /** Node flags, e.g. `--use-openssl-ca`. */
  nodeFlags?: string[];
  /**
   * The cell's /etc/hosts: these names with these addresses, in this order, and nothing else.
   * Laptops and CI runners map localhost to ::1 first, this machine to 127.0.0.1 alone; the stacks
   * resolve through the system's resolver, which then reads this file (a mount namespace of the cell's own).
   */
  hosts?: Record<string, string[]>;
}
/**
 * Which API key (a JWT the harness mints for the scenario's server) the application passes as
 * `apiKey`. Unless named otherwise, it is RS256, valid for an hour, grants write on the cell's
 * namespace and carries the server's audience.
 */
export type ApiKeyChoice =
  | 'write'
  | 'read'
  /** The role named "worker", which the default authorizer ranks below read. */
  | 'worker-role'
  | 'es256-write'
  /** Write on the matrix's other registered namespace, not on the cell's. */
  | 'other-namespace'
  | 'expired'
  /** `nbf` five minutes ahead. */
  | 'not-yet-valid'
  /** Signed by a key the server's JWKS does not hold. */
  | 'unknown-key'
  /** A valid token with its signature altered. */
  | 'tampered'
  /** Not a JWT at all. */
  | 'malformed'
  | 'wrong-audience';

export interface ClientSetup {
  address?: AddressChoice;
  /** `false` for plaintext; omitted: not given to the SDK at all (which turns TLS on when apiKey is set). */
  tls?: false | TlsSetup;
  apiKey?: ApiKeyChoice;
  /** The key as the application read it, with stray bytes around the token (from a file, a secret store, a .env). */
  apiKeyStray?: StrayBytes;
  /**
   * Rotation while connected: the cell connects with `apiKey`, sees one call refused with it, then
   * calls `setApiKey` with this key and runs the workflow.
   */
  rotateApiKeyTo?: ApiKeyChoice;
  /** Omitted: the SDK default (`default`). `fresh`: a namespace registered just before the cell. */
  namespace?: string;
  codec?: CodecChoice;
  environment?: CellEnvironment;
  /**
   * What stands between the application and the server. One the application dials (a reverse
   * proxy) takes the place of the server's address; one it names (a CONNECT proxy) is given by the
   * environment (`{ via: 'url' }`) or by `proxyOption`.
   */
  via?: IntermediarySpec;
  /** The application's own proxy option names `via` (worker: `proxy: http-connect`; client: `grpc.http_proxy`). */
  proxyOption?: true;
  /** A credential minted for the cell that expires this many seconds after the cell begins (family lifetime). */
  expiring?: { credential: 'client-certificate' | 'api-key'; inS: number };
}

/**
 * A connection held for a while after its first workflow (family lifetime): the worker polls its
 * empty task queue, the client idles or awaits a long workflow's result, while time passes and
 * the scenario's server, path or credentials do their part; then a workflow runs again.
 */
export interface HoldSpec {
  /** How long the hold lasts, at most: it ends early when the worker fails. */
  seconds: number;
  /** What the client does meanwhile (default `idle`). */
  client?: 'idle' | 'awaiting-result';
  /** What the harness does during the hold, at seconds after it began. */
  during?: { atS: number; action: HoldAction }[];
  /** Worker options of the application under test. */
  worker?: { pollers: 'autoscaling' };
  /** What the workflow after the hold carries (default: the greeting). */
  next?: NextWorkflow;
  /**
   * How long the workflow after the hold may take, in seconds (default 15): after minutes of cut
   * polls, sdk-core's pollers back off up to 10 s each, and a workflow needs two kinds of task.
   */
  nextWithinS?: number;
}

/**
 * A workflow with large messages: `payloadBytes`, a payload the stack under test sends (the
 * client as the workflow's input, the worker as its activity's result); `historyOf`, activities
 * whose results make a large history, which the client then reads whole (fetchHistory).
 */
export type NextWorkflow = { payloadBytes: number } | { historyOf: { activities: number; bytes: number } };

/** `renew-client-certificate`: the stack replaces its connection with one holding a renewed certificate. */
export type HoldAction = 'renew-client-certificate';

/** When a fault is done: before the cell connects, or between its two workflows. */
export type FaultTiming = 'before-connect' | 'between-workflows';

/**
 * Faults done to a server during a cell. A server with faults is theirs alone (no other cell
 * shares it), and the runner runs its cells one at a time; once the fault is undone, the same
 * cell runs again, without it, and must succeed.
 * - `pause`: the server is frozen (docker pause) before the cell connects and resumed once the
 *   attempt is over.
 * - `restart`: the container restarts (docker restart) between the cell's two workflows.
 * - `replace-server-cert`: between the two workflows, the frontend's certificate and key files are
 *   replaced by `certificate`, and the server's TLS refresh serves it to new connections.
 * - `replace-server-cert-untrusted-ca`: the same, with a certificate from a CA the client does not trust.
 * - `replace-server-cert-new-ca`: the same certificate, as the step of a staged CA rotation whose
 *   clients already trust the new CA beside the old one.
 * - `add-client-ca`: the file of the CAs the frontend trusts for client certificates gains
 *   `clientCa` after the one it holds, while the server runs (re-reading its files every second);
 *   undone by a restart, after which the server has read the file whole.
 * - `add-client-ca-first`: the same, with `clientCa` before the one the file holds (temporal
 *   #11230: the server reads only a file's first certificate to tell whether it changed).
 * - `start-late`: the server is stopped before the cell connects and started `undoAfterS` seconds
 *   after the stack began to connect (a held stack says when: HarnessSide.connecting), while the
 *   application connects (a server that starts after its workers).
 * A `between-workflows` fault gives the cell its shape: connect, a workflow, the fault, the next
 * workflow on the same connection (and the same worker), then a new connection with the same
 * options, whose outcome (accepted, or refused as the scenario expects) ends the cell.
 */
export const FAULTS = {
  pause: { when: 'before-connect' },
  restart: { when: 'between-workflows' },
  'replace-server-cert': { when: 'between-workflows', certificate: 'serverReplacement' },
  'replace-server-cert-untrusted-ca': { when: 'between-workflows', certificate: 'serverOtherCa' },
  'replace-server-cert-new-ca': { when: 'between-workflows', certificate: 'serverOtherCa' },
  'add-client-ca': { when: 'before-connect', clientCa: 'otherCa' },
  'add-client-ca-first': { when: 'before-connect', clientCa: 'otherCa' },
  'start-late': { when: 'before-connect', undoAfterS: 2 },
} as const satisfies Record<string, { when: FaultTiming; certificate?: CredentialName; clientCa?: CredentialName; undoAfterS?: number }>;

export type Fault = keyof typeof FAULTS;

/** The certificate a fault puts in the place of the server's, if it replaces one. */
export function faultCertificate(fault: Fault): CredentialName | undefined {
  const spec = FAULTS[fault];
  return 'certificate' in spec ? spec.certificate : undefined;
}

export type Family =
  | 'baseline'
  | 'server-cert'
  | 'client-cert'
  | 'protocol'
  | 'address'
  | 'tls-version'
  | 'pem'
  | 'namespace'
  | 'encryption'
  | 'trust-store'
  | 'intermediary'
  | 'auth'
  | 'key-type'
  | 'encoding'
  | 'server-config'
  | 'faults'
  | 'lifetime';

/** Every family, in report order; a Record so that a family added to the union must be added here. */
const FAMILY_ORDER: Record<Family, true> = {
  baseline: true,
  'server-cert': true,
  'client-cert': true,
  protocol: true,
  address: true,
  'tls-version': true,
  pem: true,
  namespace: true,
  encryption: true,
  'trust-store': true,
  intermediary: true,
  auth: true,
  'key-type': true,
  encoding: true,
  'server-config': true,
  faults: true,
  lifetime: true,
};
export const FAMILIES = Object.keys(FAMILY_ORDER) as Family[];

/**
 * Families a run leaves out unless named (`--family`) or asked for (`--all`): their cells hold
 * connections for minutes. Measured here: the lifetime family alone takes about 3 minutes of wall
 * time, and the rest of the warm matrix 45 s; together they exceed the 2 minutes a default run may take.
 */
export const SLOW_FAMILIES: readonly Family[] = ['lifetime'];

export interface Scenario<ServerName extends string = string> {
  name: string;
  family: Family;
  /** One sentence: what the situation is, as a user would meet it. */
  about: string;
  server: ServerName;
  client: ClientSetup;
  /** Per stack; where releases differ, per SDK or Node version range (see versions/ranges.ts). */
  expect: { client: Expectation | VersionedExpectation; worker: Expectation | VersionedExpectation };
  /** Why the stacks disagree, for scenarios where they do. */
  divergence?: string;
  /**
   * What each stack's timeline must show besides its outcome (default: nothing), judged like the
   * outcome: a long poll cut that the worker survives silently still shows as LONG_POLL_CUT.
   */
  findings?: Partial<Record<Stack, DiagnosisCode[]>>;
  /**
   * Words each stack's detail must hold, judged like the outcome: where a cause arose when that is
   * what the scenario shows (a key's stray bytes refused by the stack, or by the server).
   */
  detail?: Partial<Record<Stack, string>>;
  /** Which way each stack must reach the server, proved from the CONNECT proxy's log. */
  route?: { client: Route; worker: Route };
  /**
   * An extra check on a passing cell. `client-auth-refused`: the client presents no valid
   * certificate, so getting in proves the server does not enforce mTLS; such a cell is reported
   * as MTLS_NOT_ENFORCED, never as a pass of the connection.
   */
  verify?: 'payloads-encrypted-at-rest' | 'client-auth-refused';
  /** Something done to the scenario's server during the cell (family faults). */
  fault?: Fault;
  /** The connection is held after its first workflow (family lifetime). */
  hold?: HoldSpec;
}
