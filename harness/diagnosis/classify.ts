/**
 * From an error to its cause: an ordered table of rules, each a pattern over the error text (the
 * SDK's error plus, for the client stack, the probe's reason) and, where the text alone is
 * ambiguous, a condition on what was configured. The first rule that matches names the cause.
 * Like BoringSSL's expected-error map, the patterns are the stacks' own words, measured against
 * the real server (see README, "Where the stacks disagree").
 */
import type { Stack } from '../model/stack';
import type { DiagnosisCode } from './codes';
import type { KeyRefusal } from '../pki/key-support';
import { clientKeyRefusal, keyFitsLaterCertificate, type ClientCertFacts, type InputEncodings } from './evidence';
import type { IssuerStore } from './trust-stores';
import { type ApiKeyFacts, namesNamespace, timeProblem } from '../auth/tokens';
import { LOCAL_REFUSAL, type StrayBytesFacts } from '../auth/stray-bytes';
import type { VersionRange, Versions } from '../model/versions';
import { inRange, ownVersions } from '../versions/ranges';

/** What was configured and observed, for the rules whose error text does not say enough. */
export interface ClassifyContext {
  stack: Stack;
  /** Whether the client side was configured to speak TLS. */
  clientTls: boolean;
  /** The PEM texts given as client certificate and key. */
  pem?: { cert?: string; key?: string };
  /** What the client certificate says about itself, when it parses. */
  clientCert?: ClientCertFacts;
  /** The server sends its leaf without the intermediate that issued it (see evidence.ts). */
  incompleteChain?: boolean;
  /** Whether the application passed tls.serverRootCACertificate. */
  serverCa?: boolean;
  /** `host:port` of the HTTP CONNECT proxy this stack goes through (see proxies.ts). */
  proxy?: string;
  /** Whether that proxy accepts connections (evidence). */
  proxyAnswers?: boolean;
  /** Whether the address answers plain HTTP/1.x: an HTTP API or web UI (evidence). */
  httpEndpoint?: boolean;
  /** Trust stores of the stack's environment that hold the server's issuer (see trust-stores.ts). */
  issuerStores?: IssuerStore[];
  /**
   * The API key the stack was given, read without verifying it (`facts` null: not a JWT), and the
   * namespace the cell worked in; absent when no key was given.
   */
  apiKey?: { facts: ApiKeyFacts | null; namespace: string; stray?: StrayBytesFacts };
  /** TLS is on only because apiKey is set and tls was left unset: the TS SDK's default. */
  tlsImpliedByApiKey?: boolean;
  /** Which form the client certificate and key were given in. */
  encoding?: InputEncodings;
  /** Why the worker (rustls) refuses the key of the certificate the server sends, if it does. */
  serverKeyRefusal?: KeyRefusal;
  /** The server refuses a handshake limited to the suites rustls implements (evidence). */
  sharesNoRustlsSuite?: boolean;
  /** SSL_CERT_FILE / SSL_CERT_DIR are set and hold no certificate: the worker's system store is empty. */
  systemStoreEmpty?: boolean;
  /** The SDK and Node releases the stack ran on (default: the harness's own). */
  versions?: Versions;
  /**
   * `established`: the text is of a connection that worked (a held cell's timeline), where a lost
   * connection says nothing about the handshake; the rules for failures that only a first connect
   * can have are then skipped. Default `connect`.
   */
  phase?: 'connect' | 'established';
  /** When the text was said (milliseconds since the epoch; default now): a token's validity is read at that moment. */
  at?: number;
  /** The server refused the connection and served moments later (a held cell's timeline shows it). */
  servedAfterRefusal?: boolean;
  /**
   * What the server's start found it to be, where it answers nothing on its published port: it
   * exited after it served, or its frontend listens on loopback inside its container (server/health.ts).
   */
  serverFound?: 'SERVER_START_FAILED' | 'SERVER_BOUND_TO_LOOPBACK';
}

interface Rule {
  code: DiagnosisCode;
  pattern: RegExp;
  stack?: Stack;
  /** Only on these releases, e.g. `sdk <1.11.5`: the words of a stack change between releases. */
  releases?: VersionRange;
  when?: (context: ClassifyContext) => boolean;
  /** Only for a first connect: words (a dropped connection) that mean something else once a connection has worked. */
  phase?: 'connect';
}

/** Words of a connect that got no server: refused, or accepted and closed (Docker's proxy, with nothing behind it). */
const CONNECT_FAILED =
  /ECONNREFUSED|Connection refused|ConnectionRefused|ECONNRESET|Connection reset|socket disconnected before secure TLS|tls handshake eof|UnexpectedEof|connection closed|Failed to connect before the deadline|UNAVAILABLE/i;

const KEY_UNPARSED = /DECODER routines::unsupported|PrivateKeyParseError|failed to parse private key|bad decrypt|no start line/i;
const CERT_UNPARSED = /no start line|NoCertificatesPresented|CertificateParseError|PrivateKeyParseError/i;
const KEY_MISMATCH = /key values mismatch|KeyMismatch|InconsistentKeys/i;
/** rustls (worker) given a key it cannot sign with. */
const RUSTLS_KEY_UNUSABLE = /failed to parse private key as RSA, ECDSA, or EdDSA/;
/**
 * A server that drops the connection right after the handshake, with no alert the client could
 * read: the worker stack races the server's alert against its close and words the loss variously.
 */
const REJECTED_WITHOUT_ALERT = /connection closed|UnexpectedEof|peer closed connection|ConnectionReset|ECONNRESET|BrokenPipe|broken pipe|Canceled/i;

/** How each stack says that nothing it trusts issued the server's certificate. */
const UNTRUSTED = /UnknownIssuer|unable to get local issuer certificate|unable to verify the first certificate|self[- ]signed certificate/;
/**
 * Every authorization failure reads the same: PermissionDenied, "Request unauthorized." (the
 * server logs the claim mapper's reason, never sends it). The token the cell was given tells them apart.
 */
const UNAUTHORIZED = /Request unauthorized|PERMISSION_DENIED|PermissionDenied/;
/** The exempt first call of either stack: only the claim mapper, i.e. the token itself, can refuse it. */
const REFUSED_AT_CONNECT = /Failed to connect to Temporal server|Failed to call GetSystemInfo/;
const tokenTime = (c: ClassifyContext) => (c.apiKey?.facts ? timeProblem(c.apiKey.facts, (c.at ?? Date.now()) / 1000) : null);

/** The calls that wait on the server: a worker's task polls, a client's wait for a result (both stacks' names for them). */
const LONG_POLL = /poll_\w+_task_queue|Poll\w+TaskQueue|get_workflow_execution_history|GetWorkflowExecutionHistory|Workflow execution history/i;
/** The server's blob size limit, or a gRPC receiver's message limit (grpc-go, grpc-js and tonic words). */
export const SIZE_LIMIT = /Blob data size exceeds limit|message larger than max|decoded message length too large|TMPRL1103\] Attempted to upload payloads with size that exceeded the error limit/i;
/** An HTTP status where a gRPC response belongs: grpc-js says so, sdk-core reads the HTML page as a message and says where it came from. */
const HTTP_STATUS = /Received HTTP status code \d{3}|while receiving response with status: \d{3}|itself with a \d{3}|its own \d{3}/;

const keyText = (context: ClassifyContext) => context.pem?.key ?? '';
const certText = (context: ClassifyContext) => context.pem?.cert ?? '';

/** Ordered: evidence-backed and specific texts before general ones. */
export const RULES: readonly Rule[] = [
  // Configuration errors, raised before any I/O. The stacks' words are vague ("unsupported",
  // "PrivateKeyParseError"), so the PEM that was given tells which mistake it is.
  { code: 'INVALID_ADDRESS', pattern: /Invalid address for Temporal gRPC endpoint|invalid target URL/i },
  // Nothing answers where the server's start found it gone, or listening out of reach: the server is the cause.
  { code: 'SERVER_START_FAILED', pattern: CONNECT_FAILED, when: (c) => c.serverFound === 'SERVER_START_FAILED' },
  { code: 'SERVER_BOUND_TO_LOOPBACK', pattern: CONNECT_FAILED, when: (c) => c.serverFound === 'SERVER_BOUND_TO_LOOPBACK' },
  // No address for the name: grpc-js says so in its resolution failure, tonic quotes getaddrinfo.
  { code: 'DNS_NAME_NOT_RESOLVED', pattern: /Name resolution failed for target|"dns error"|failed to lookup address information|\bENOTFOUND\b/ },
  // Not PEM at all: the form the bytes are in names the conversion.
  { code: 'PKCS12_NOT_PEM', pattern: CERT_UNPARSED, when: (c) => c.encoding?.cert === 'pkcs12' },
  { code: 'CERT_DER_NOT_PEM', pattern: CERT_UNPARSED, when: (c) => c.encoding?.cert === 'der-certificate' },
  { code: 'PEM_DOUBLE_ENCODED', pattern: CERT_UNPARSED, when: (c) => c.encoding?.cert === 'double-base64' },
  { code: 'KEY_DER_NOT_PEM', pattern: KEY_UNPARSED, when: (c) => c.encoding?.key === 'der-key' },
  { code: 'PEM_DOUBLE_ENCODED', pattern: KEY_UNPARSED, when: (c) => c.encoding?.key === 'double-base64' },
  // A key rustls cannot sign with: it says only that it cannot parse it.
  { code: 'KEY_ALGORITHM_UNSUPPORTED', pattern: RUSTLS_KEY_UNUSABLE, when: (c) => clientKeyRefusal(c.pem?.key) === 'KEY_ALGORITHM_UNSUPPORTED' },
  { code: 'KEY_TOO_SMALL', pattern: RUSTLS_KEY_UNUSABLE, when: (c) => clientKeyRefusal(c.pem?.key) === 'KEY_TOO_SMALL' },
  {
    code: 'CERT_KEY_SWAPPED',
    pattern: CERT_UNPARSED,
    when: (c) => /PRIVATE KEY-----/.test(certText(c)) && /CERTIFICATE-----/.test(keyText(c)),
  },
  { code: 'KEY_MISSING', pattern: KEY_UNPARSED, when: (c) => c.pem?.cert !== undefined && keyText(c).trim() === '' },
  { code: 'KEY_MISSING', pattern: /Private key must be given|Missing property 'clientPrivateKey'/i },
  { code: 'KEY_ENCRYPTED', pattern: KEY_UNPARSED, when: (c) => /ENCRYPTED PRIVATE KEY|Proc-Type: 4,ENCRYPTED/.test(keyText(c)) },
  { code: 'KEY_ENCRYPTED', pattern: /bad decrypt|bad password read/i },
  { code: 'CHAIN_ORDER_WRONG', pattern: KEY_MISMATCH, when: (c) => keyFitsLaterCertificate(c.pem?.cert, c.pem?.key) },
  { code: 'KEY_CERT_MISMATCH', pattern: KEY_MISMATCH },
  { code: 'CERT_MALFORMED', pattern: /Certificate chain must be given|Missing property 'clientCert'/i },
  { code: 'CERT_V1_UNSUPPORTED', pattern: /UnsupportedCertVersion/ },
  { code: 'CERT_MALFORMED', pattern: /no start line|NoCertificatesPresented|CertificateParseError|bad base64 decode/i },
  { code: 'KEY_MALFORMED', pattern: KEY_UNPARSED },
  { code: 'IP_SERVER_NAME_REFUSED_BY_NODE', pattern: /ERR_INVALID_ARG_VALUE\]: The property 'options\.servername' Setting the TLS ServerName to an IP address/ },
  { code: 'SERVER_NAME_INVALID', pattern: /InvalidDnsNameError|invalid uri character|Host: \S+:\d+\. is not in the cert/i },

  // The server's certificate, as the client checks it. OpenSSL 3.5 (Node 24) refuses RSA-1024
  // itself ("EE certificate key too weak"); rustls words a key it cannot verify as a bad
  // signature or, for a curve it lacks, a failed handshake, so the key the server sends decides.
  { code: 'KEY_TOO_SMALL', pattern: /EE certificate key too weak|ee key too small|CA certificate key too weak/i },
  { code: 'KEY_TOO_SMALL', pattern: /InvalidCertificate\(BadSignature\)/, when: (c) => c.serverKeyRefusal === 'KEY_TOO_SMALL' },
  { code: 'KEY_ALGORITHM_UNSUPPORTED', pattern: /AlertReceived\(HandshakeFailure\)|BadSignature|UnsupportedSignatureAlgorithm/, when: (c) => c.serverKeyRefusal === 'KEY_ALGORITHM_UNSUPPORTED' },
  // The versions and suites the endpoint offers: rustls words a suite it lacks as a bare handshake failure.
  { code: 'TLS_VERSION_UNSUPPORTED', pattern: /AlertReceived\(ProtocolVersion\)|alert protocol version|unsupported protocol|PeerIncompatible\(\w*Version\w*\)/i },
  { code: 'TLS_NO_SHARED_CIPHER', pattern: /AlertReceived\(HandshakeFailure\)|no shared cipher|alert handshake failure/i, when: (c) => c.sharesNoRustlsSuite === true },
  { code: 'CA_USED_AS_END_ENTITY', pattern: /CaUsedAsEndEntity|invalid CA certificate used as end entity/i },
  { code: 'SERVER_CERT_WRONG_USAGE', pattern: /InvalidPurpose|unsuitable certificate purpose|unsupported certificate purpose/i },
  { code: 'NAME_CONSTRAINTS_VIOLATED', pattern: /NameConstraintViolation|permitted subtree violation|excluded subtree violation/i },
  { code: 'SERVER_CERT_EXPIRED', pattern: /certificate has expired|ExpiredContext|InvalidCertificate\(Expired\)/ },
  { code: 'SERVER_CERT_NOT_YET_VALID', pattern: /certificate is not yet valid|NotValidYet/ },
  { code: 'WEAK_SIGNATURE', pattern: /digest algorithm too weak|md too weak|UnsupportedSignatureAlgorithm/i },
  { code: 'SERVER_CERT_NO_SAN', pattern: /NotValidForName\w* \{ expected: [^}]*presented: \[\]/ },
  { code: 'SERVER_NAME_MISMATCH', pattern: /NotValidForName|ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/ },
  { code: 'INTERMEDIATE_AS_ROOT', pattern: /unable to get issuer certificate\b/ },
  { code: 'SYSTEM_ROOTS_MISSING', pattern: /NativeCertsNotFound|no native certs found/ },
  // Releases word an empty or missing system store differently (measured, versions.test.ts):
  // 1.11.3 fails on a missing path even with a CA given; 1.11.3 on an empty file and 1.11.5 on
  // a missing path only find no issuer; 1.24.0 says NativeCertsNotFound.
  { code: 'TRUST_STORE_PATH_MISSING', pattern: /Os \{ code: 2, kind: NotFound/, stack: 'worker', releases: 'sdk <1.11.5' },
  {
    code: 'SYSTEM_ROOTS_MISSING',
    pattern: /UnknownIssuer/,
    stack: 'worker',
    releases: 'sdk <=1.11.5',
    when: (c) => c.serverCa === false && c.systemStoreEmpty === true,
  },
  // The issuer is in a store of the environment: read by this stack but replaced by the CA the
  // application passed, or not read by this stack at all.
  { code: 'CUSTOM_CA_REPLACES_SYSTEM_ROOTS', pattern: UNTRUSTED, when: (c) => c.serverCa === true && (c.issuerStores ?? []).some((s) => s.read) },
  {
    code: 'TRUST_STORE_NOT_READ',
    pattern: UNTRUSTED,
    when: (c) => c.serverCa === false && (c.issuerStores ?? []).length > 0 && !c.issuerStores!.some((s) => s.read),
  },
  {
    code: 'CHAIN_INCOMPLETE',
    pattern: /unable to verify the first certificate|UnknownIssuer/,
    when: (c) => c.incompleteChain === true,
  },
  { code: 'SERVER_CA_UNTRUSTED', pattern: UNTRUSTED },

  // The client's certificate, as the server rejects it: a TLS alert, or (a race in the worker
  // stack) a dropped connection, where the certificate itself tells why. OpenSSL quietly sends
  // no certificate when the key is of another type than the certificate's (EC and RSA), so
  // "certificate required" with a key that does not match means the mismatch.
  { code: 'KEY_CERT_MISMATCH', pattern: /alert certificate required|alert: CertificateRequired/i, when: (c) => c.clientCert?.keyMatches === false },
  { code: 'CLIENT_CERT_REQUIRED', pattern: /alert certificate required|alert: CertificateRequired/i },
  { code: 'CLIENT_CERT_UNTRUSTED', pattern: /alert unknown ca|alert: UnknownCA/i },
  { code: 'CLIENT_CERT_EXPIRED', pattern: /alert certificate expired|alert: CertificateExpired/i },
  { code: 'CLIENT_CERT_WRONG_USAGE', pattern: /alert bad certificate|alert: BadCertificate|alert unsupported certificate/i },
  { code: 'CLIENT_CERT_EXPIRED', pattern: REJECTED_WITHOUT_ALERT, when: (c) => c.clientCert?.expired === true, phase: 'connect' },
  { code: 'CLIENT_CERT_WRONG_USAGE', pattern: REJECTED_WITHOUT_ALERT, when: (c) => c.clientCert?.clientAuthAllowed === false, phase: 'connect' },
  { code: 'CLIENT_CERT_UNTRUSTED', pattern: REJECTED_WITHOUT_ALERT, when: (c) => c.clientCert !== undefined && c.clientTls, phase: 'connect' },
  { code: 'CLIENT_CERT_REQUIRED', pattern: REJECTED_WITHOUT_ALERT, when: (c) => c.clientTls && !c.pem?.cert, phase: 'connect' },

  // Something between the stack and the server answered instead of it: a long poll cut short
  // (its 504 page, when the proxy's read timeout ran out first), or any call answered with a page.
  { code: 'LONG_POLL_CUT', pattern: new RegExp(`(${LONG_POLL.source})[\\s\\S]*(\\b504\\b|Gateway Timeout)`, 'i') },
  { code: 'PROXY_HTTP_ERROR', pattern: HTTP_STATUS },
  // grpc-js's words when a server answers its pings with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
  { code: 'KEEPALIVE_REFUSED', pattern: /rejected by server because of excess pings|too_many_pings/i },
  // A keepalive ping the peer never answered: the connection died without a word (a NAT that forgot it).
  { code: 'IDLE_CONNECTION_DROPPED', pattern: /KeepAliveTimedOut|Ping timeout passed without response|NAT forgot/ },

  // Protocol and reachability.
  { code: 'API_KEY_IMPLIES_TLS', pattern: /wrong version number|InvalidContentType|packet length too long/i, when: (c) => c.tlsImpliedByApiKey === true, phase: 'connect' },
  { code: 'ALPN_H2_MISSING', pattern: /H2NotNegotiated|HTTP\/2 was not negotiated/ },
  // grpc-js says nothing of the proxy: "Last error: undefined" when it refuses.
  { code: 'PROXY_UNREACHABLE', pattern: /UNAVAILABLE|ECONNREFUSED|Connection ?refused|Failed to connect/i, when: (c) => c.proxy !== undefined && c.proxyAnswers === false },
  // The frontend's HTTP API takes HTTP/2 with prior knowledge too, and then either ends the
  // connection at once or (about once in a hundred connects, measured) never answers at all.
  {
    code: 'HTTP_ENDPOINT_NOT_GRPC',
    pattern: /Protocol error|connection closed|BrokenPipe|Connection reset|ECONNRESET|stream closed|h2 protocol error|Failed to call GetSystemInfo|Failed to connect before the deadline|NativeConnection\.connect did not settle/i,
    when: (c) => c.httpEndpoint === true,
    phase: 'connect',
  },
  { code: 'TLS_TO_PLAINTEXT_SERVER', pattern: /wrong version number|InvalidContentType|packet length too long/i, phase: 'connect' },
  { code: 'SERVER_NOT_READY', pattern: /ECONNREFUSED|Connection refused|ConnectionRefused/i, when: (c) => c.servedAfterRefusal === true },
  { code: 'CONNECTION_REFUSED', pattern: /ECONNREFUSED|Connection refused|ConnectionRefused/i },
  {
    code: 'PLAINTEXT_TO_TLS_SERVER',
    // A TLS frontend hangs up on the plaintext HTTP/2 preface; how the worker words that varies
    // (broken pipe, reset, closed), but any transport failure of the first call means it.
    pattern: /BrokenPipe|Connection reset|ECONNRESET|stream closed|connection closed|Failed to call GetSystemInfo|Failed to connect \(/i,
    when: (c) => !c.clientTls,
    phase: 'connect',
  },

  // Authorization, in the order the server checks: the token itself, then what it grants. A key
  // with stray bytes is refused by the stack or the server (see stray-bytes.ts), whatever its token says.
  { code: 'API_KEY_STRAY_BYTES', pattern: new RegExp(`${LOCAL_REFUSAL.source}|${UNAUTHORIZED.source}`, 'i'), when: (c) => c.apiKey?.stray !== undefined },
  { code: 'API_KEY_MISSING', pattern: UNAUTHORIZED, when: (c) => c.apiKey === undefined },
  { code: 'API_KEY_REJECTED', pattern: UNAUTHORIZED, when: (c) => c.apiKey?.facts === null },
  { code: 'API_KEY_EXPIRED', pattern: UNAUTHORIZED, when: (c) => tokenTime(c) === 'expired' },
  { code: 'API_KEY_NOT_YET_VALID', pattern: UNAUTHORIZED, when: (c) => tokenTime(c) !== null },
  { code: 'API_KEY_REJECTED', pattern: new RegExp(`(${REFUSED_AT_CONNECT.source}).*(${UNAUTHORIZED.source})`) },
  { code: 'NAMESPACE_NOT_PERMITTED', pattern: UNAUTHORIZED, when: (c) => !!c.apiKey?.facts && !namesNamespace(c.apiKey.facts, c.apiKey.namespace) },
  { code: 'ROLE_INSUFFICIENT', pattern: UNAUTHORIZED, when: (c) => !!c.apiKey?.facts },

  // After connecting.
  { code: 'MTLS_NOT_ENFORCED', pattern: /ClientAuthNotEnforcedError/ },
  { code: 'SERVER_DEGRADED', pattern: /ServerDegradedError/ },
  { code: 'PAYLOAD_TOO_LARGE', pattern: SIZE_LIMIT },
  { code: 'NAMESPACE_NOT_FOUND', pattern: /Namespace not found|Namespace \S+ is not found|NamespaceNotFound/i },
  { code: 'PAYLOAD_UNDECODABLE', pattern: /Unknown encoding|cannot decrypt payload/i },
  { code: 'TIMEOUT', pattern: /did not settle within|Failed to connect before the deadline|DEADLINE_EXCEEDED/i },
];

/** Name the cause of `text` (the SDK error followed by any probe reason). */
export function classify(text: string, context: ClassifyContext): DiagnosisCode {
  const versions = context.versions ?? ownVersions();
  const rule = RULES.find(
    ({ pattern, stack, releases, when, phase }) =>
      (phase === undefined || context.phase !== 'established') &&
      (stack === undefined || stack === context.stack) &&
      (releases === undefined || inRange(versions, releases)) &&
      (when === undefined || when(context)) &&
      pattern.test(text),
  );
  return rule?.code ?? 'UNCLASSIFIED';
}

/** The text of an error, including the causes SDK errors wrap and a grpc status's details. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      const details = (current as { details?: unknown }).details;
      if (typeof details === 'string' && !current.message.includes(details)) parts.push(details);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' <- ');
}
