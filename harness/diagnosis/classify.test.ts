/**
 * The classifier against error texts measured from the real server and SDK 1.24 (see the
 * matrix's JSON output): each row is what a stack said and what the harness must call it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ClassifyContext, classify, errorText } from './classify';
import type { DiagnosisCode } from './codes';

const worker: ClassifyContext = { stack: 'worker', clientTls: true };
const client: ClassifyContext = { stack: 'client', clientTls: true };
const probe = (lastError: string) =>
  `Error: Failed to connect before the deadline Error: 14 UNAVAILABLE: No connection established. Last error: ${lastError}. Resolution note: `;

const measured: [string, ClassifyContext, string, DiagnosisCode][] = [
  ['untrusted CA (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }))', 'SERVER_CA_UNTRUSTED'],
  ['untrusted CA (client)', client, probe('Error: unable to verify the first certificate'), 'SERVER_CA_UNTRUSTED'],
  ['chain not sent (client)', { ...client, incompleteChain: true }, probe('Error: unable to verify the first certificate'), 'CHAIN_INCOMPLETE'],
  ['chain not sent (worker)', { ...worker, incompleteChain: true }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }))', 'CHAIN_INCOMPLETE'],
  ['intermediate as root (client)', client, probe('Error: unable to get issuer certificate'), 'INTERMEDIATE_AS_ROOT'],
  ['expired (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(ExpiredContext { time: UnixTime(1795928741), not_after: UnixTime(1795842329) }) }))', 'SERVER_CERT_EXPIRED'],
  ['expired (client)', client, probe('Error: certificate has expired'), 'SERVER_CERT_EXPIRED'],
  ['not yet valid (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(NotValidYetContext { time: UnixTime(1), not_before: UnixTime(2) }) }))', 'SERVER_CERT_NOT_YET_VALID'],
  ['not yet valid (client)', client, probe('Error: certificate is not yet valid'), 'SERVER_CERT_NOT_YET_VALID'],
  ['name mismatch (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(NotValidForNameContext { expected: DnsName("localhost"), presented: ["DnsName(\\"tls-sample\\")", "IpAddress(0::1)"] }) }))', 'SERVER_NAME_MISMATCH'],
  ['name mismatch (client)', client, probe("Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:tls-sample"), 'SERVER_NAME_MISMATCH'],
  ['name with a port (worker)', worker, 'TransportError: tonic::transport::Error(Transport, InvalidDnsNameError)', 'SERVER_NAME_INVALID'],
  ['name with a port (client)', client, probe("Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: localhost:7233. is not in the cert's altnames: DNS:localhost"), 'SERVER_NAME_INVALID'],
  ['CN only (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(NotValidForNameContext { expected: DnsName("localhost"), presented: [] }) }))', 'SERVER_CERT_NO_SAN'],
  ['v1 (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(Other(OtherError(UnsupportedCertVersion))) }))', 'CERT_V1_UNSUPPORTED'],
  ['SHA-1 (client)', client, probe('Error: CA signature digest algorithm too weak'), 'WEAK_SIGNATURE'],
  ['SHA-1 (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(UnsupportedSignatureAlgorithmContext { signature_algorithm_id: [6, 9] }) }))', 'WEAK_SIGNATURE'],
  ['no client cert (client)', client, probe('807C:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:rec_layer_s3.c:1601:SSL alert number 116'), 'CLIENT_CERT_REQUIRED'],
  ['no client cert (worker)', worker, 'TransportError: Failed to call GetSystemInfo: code: \'Unknown error\', message: "transport error", source: tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert: CertificateRequired" }))', 'CLIENT_CERT_REQUIRED'],
  ['client CA unknown (client)', client, probe('error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:SSL alert number 48'), 'CLIENT_CERT_UNTRUSTED'],
  ['client CA unknown (worker)', worker, 'TransportError: Failed to call GetSystemInfo: source: hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert: UnknownCA" })', 'CLIENT_CERT_UNTRUSTED'],
  ['client cert expired (client)', client, probe('error:0A000415:SSL routines:ssl3_read_bytes:sslv3 alert certificate expired:SSL alert number 45'), 'CLIENT_CERT_EXPIRED'],
  ['client cert expired (worker, alert)', worker, 'TransportError: Failed to call GetSystemInfo: source: hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert: CertificateExpired" })', 'CLIENT_CERT_EXPIRED'],
  ['client cert expired (worker, no alert)', { ...worker, clientCert: { expired: true, notYetValid: false, clientAuthAllowed: true } }, 'TransportError: Failed to call GetSystemInfo: code: \'The operation was cancelled\', message: "operation was canceled", source: tonic::transport::Error(Transport, hyper::Error(Canceled, "connection closed"))', 'CLIENT_CERT_EXPIRED'],
  ['no client cert (worker, no alert)', { ...worker, pem: {} }, 'TransportError: Failed to call GetSystemInfo: code: \'The operation was cancelled\', message: "operation was canceled", source: tonic::transport::Error(Transport, hyper::Error(Canceled, "connection closed"))', 'CLIENT_CERT_REQUIRED'],
  ['serverAuth-only client cert (worker, no alert)', { ...worker, pem: { cert: 'x' }, clientCert: { expired: false, notYetValid: false, clientAuthAllowed: false } }, 'TransportError: Failed to call GetSystemInfo: source: hyper::Error(Io, Custom { kind: BrokenPipe, error: "stream closed because of a broken pipe" })', 'CLIENT_CERT_WRONG_USAGE'],
  ['serverAuth-only client cert (client)', client, probe('error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:SSL alert number 42'), 'CLIENT_CERT_WRONG_USAGE'],
  ['key mismatch (client)', client, 'Error: error:05800074:x509 certificate routines::key values mismatch', 'KEY_CERT_MISMATCH'],
  ['key of another type than the certificate (client)', { ...client, clientCert: { expired: false, notYetValid: false, clientAuthAllowed: true, keyMatches: false } }, probe('error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:SSL alert number 116'), 'KEY_CERT_MISMATCH'],
  ['key mismatch (worker)', worker, 'TransportError: tonic::transport::Error(Transport, InconsistentKeys(KeyMismatch))', 'KEY_CERT_MISMATCH'],
  ['encrypted key (client)', client, 'Error: error:1C800064:Provider routines::bad decrypt', 'KEY_ENCRYPTED'],
  ['encrypted key (worker)', { ...worker, pem: { cert: 'x', key: '-----BEGIN ENCRYPTED PRIVATE KEY-----\n' } }, 'TransportError: tonic::transport::Error(Transport, PrivateKeyParseError)', 'KEY_ENCRYPTED'],
  ['empty key (worker)', { ...worker, pem: { cert: 'x', key: '' } }, 'TransportError: tonic::transport::Error(Transport, PrivateKeyParseError)', 'KEY_MISSING'],
  ['swapped (worker)', { ...worker, pem: { cert: '-----BEGIN PRIVATE KEY-----', key: '-----BEGIN CERTIFICATE-----' } }, 'TransportError: tonic::transport::Error(Transport, PrivateKeyParseError)', 'CERT_KEY_SWAPPED'],
  ['mangled key (client)', client, 'Error: error:1E08010C:DECODER routines::unsupported', 'KEY_MALFORMED'],
  ['mangled key (worker)', worker, 'TransportError: tonic::transport::Error(Transport, PrivateKeyParseError)', 'KEY_MALFORMED'],
  ['mangled cert (client)', client, 'Error: error:0480006C:PEM routines::no start line', 'CERT_MALFORMED'],
  ['mangled cert (worker)', worker, 'TransportError: tonic::transport::Error(Transport, NoCertificatesPresented)', 'CERT_MALFORMED'],
  ['TLS to plaintext (client)', client, probe('Error: 807C:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), 'TLS_TO_PLAINTEXT_SERVER'],
  ['TLS to plaintext (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidMessage(InvalidContentType) }))', 'TLS_TO_PLAINTEXT_SERVER'],
  ['plaintext to TLS (client)', { ...client, clientTls: false }, probe('Failed to connect (2026-11-29T05:05:45.336Z)'), 'PLAINTEXT_TO_TLS_SERVER'],
  ['plaintext to TLS (worker)', { ...worker, clientTls: false }, 'TransportError: Failed to call GetSystemInfo: code: \'Unknown error\', message: "transport error", source: hyper::Error(Io, Custom { kind: BrokenPipe, error: "stream closed because of a broken pipe" })', 'PLAINTEXT_TO_TLS_SERVER'],
  ['refused (client)', client, probe('Error: connect ECONNREFUSED 127.0.0.1:45423'), 'CONNECTION_REFUSED'],
  ['refused (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", 127.0.0.1:45545, Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })))', 'CONNECTION_REFUSED'],
  ['scheme in address', client, "TypeError: Invalid address for Temporal gRPC endpoint: expected URI of the form 'hostname' or 'hostname:port'; got 'https://localhost:1'", 'INVALID_ADDRESS'],
  ['namespace (client)', client, "NamespaceNotFoundError: Namespace not found: 'no-such-namespace'", 'NAMESPACE_NOT_FOUND'],
  ['namespace (worker)', worker, 'TransportError: Namespace Default was not found or otherwise could not be described: Status { code: NotFound, message: "Namespace Default is not found." }', 'NAMESPACE_NOT_FOUND'],
  ['codec missing', client, 'ValueError: Unknown encoding: binary/encrypted', 'PAYLOAD_UNDECODABLE'],
  ['codec wrong key', worker, 'Error: the worker failed the workflow task: cannot decrypt payload with key "harness-key-1": wrong key or corrupted data', 'PAYLOAD_UNDECODABLE'],
  ['a silent server', client, 'CellTimeoutError: NativeConnection.connect did not settle within 1000ms', 'TIMEOUT'],
  ['empty system store (worker)', worker, 'TransportError: tonic::transport::Error(Transport, NativeCertsNotFound)', 'SYSTEM_ROOTS_MISSING'],
  ['CA in a store the worker does not read', { ...worker, serverCa: false, issuerStores: [{ variable: 'NODE_EXTRA_CA_CERTS', read: false }] }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }))', 'TRUST_STORE_NOT_READ'],
  ['CA in a store the client does not read', { ...client, serverCa: false, issuerStores: [{ variable: 'SSL_CERT_FILE', read: false }] }, probe('Error: unable to verify the first certificate'), 'TRUST_STORE_NOT_READ'],
  ['CA in a store the client reads, another CA passed', { ...client, serverCa: true, issuerStores: [{ variable: 'NODE_EXTRA_CA_CERTS', read: true }] }, probe('Error: unable to verify the first certificate'), 'CUSTOM_CA_REPLACES_SYSTEM_ROOTS'],
  ['CA in no store, another CA passed', { ...client, serverCa: true, issuerStores: [] }, probe('Error: unable to verify the first certificate'), 'SERVER_CA_UNTRUSTED'],
  ['something new', client, 'Error: the moon is in the wrong phase', 'UNCLASSIFIED'],
  // Key algorithms and sizes: rustls's words need the key the server sends or the client holds.
  ['P-521 server certificate (worker)', { ...worker, serverKeyRefusal: 'KEY_ALGORITHM_UNSUPPORTED' }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: AlertReceived(HandshakeFailure) }))', 'KEY_ALGORITHM_UNSUPPORTED'],
  ['RSA-1024 server certificate (worker)', { ...worker, serverKeyRefusal: 'KEY_TOO_SMALL' }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(BadSignature) }))', 'KEY_TOO_SMALL'],
  ['RSA-1024 server certificate (client on Node 24, OpenSSL 3.5)', client, probe('Error: EE certificate key too weak'), 'KEY_TOO_SMALL'],
  ['P-521 client key (worker)', { ...worker, pem: { cert: 'c', key: pemKey('ec', { namedCurve: 'P-521' }) } }, 'TransportError: tonic::transport::Error(Transport, General("failed to parse private key as RSA, ECDSA, or EdDSA"))', 'KEY_ALGORITHM_UNSUPPORTED'],
  ['RSA-1024 client key (worker)', { ...worker, pem: { cert: 'c', key: pemKey('rsa', { modulusLength: 1024 }) } }, 'TransportError: tonic::transport::Error(Transport, General("failed to parse private key as RSA, ECDSA, or EdDSA"))', 'KEY_TOO_SMALL'],
  // Encodings: the stacks say "no start line" or "no certificates"; the bytes say which form.
  ['DER certificate (client)', { ...client, encoding: { cert: 'der-certificate', key: 'pem' } }, 'Error: error:0480006C:PEM routines::no start line', 'CERT_DER_NOT_PEM'],
  ['DER certificate (worker)', { ...worker, encoding: { cert: 'der-certificate', key: 'pem' } }, 'TransportError: tonic::transport::Error(Transport, NoCertificatesPresented)', 'CERT_DER_NOT_PEM'],
  ['DER key (client)', { ...client, encoding: { cert: 'pem', key: 'der-key' } }, 'Error: error:1E08010C:DECODER routines::unsupported', 'KEY_DER_NOT_PEM'],
  ['DER key (worker)', { ...worker, encoding: { cert: 'pem', key: 'der-key' } }, 'TransportError: tonic::transport::Error(Transport, PrivateKeyParseError)', 'KEY_DER_NOT_PEM'],
  ['double-encoded certificate (worker)', { ...worker, encoding: { cert: 'double-base64', key: 'pem' } }, 'TransportError: tonic::transport::Error(Transport, NoCertificatesPresented)', 'PEM_DOUBLE_ENCODED'],
  ['double-encoded key (client)', { ...client, encoding: { cert: 'pem', key: 'double-base64' } }, 'Error: error:1E08010C:DECODER routines::unsupported', 'PEM_DOUBLE_ENCODED'],
  ['PKCS#12 as certificate (client)', { ...client, encoding: { cert: 'pkcs12', key: 'pem' } }, 'Error: error:0480006C:PEM routines::no start line', 'PKCS12_NOT_PEM'],
  // Server-side mistakes.
  ['CA as end entity (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(Other(OtherError(CaUsedAsEndEntity))) }))', 'CA_USED_AS_END_ENTITY'],
  ['clientAuth-only server certificate (client)', client, probe('Error: unsuitable certificate purpose'), 'SERVER_CERT_WRONG_USAGE'],
  ['clientAuth-only server certificate (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(InvalidPurposeContext { required: ServerAuth, presented: [ClientAuth] }) }))', 'SERVER_CERT_WRONG_USAGE'],
  ['name constraints (client)', client, probe('Error: permitted subtree violation'), 'NAME_CONSTRAINTS_VIOLATED'],
  ['name constraints (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(Other(OtherError(NameConstraintViolation))) }))', 'NAME_CONSTRAINTS_VIOLATED'],
  ['mTLS not enforced', client, 'ClientAuthNotEnforcedError: the server let a client in with no client certificate, which an mTLS server must refuse', 'MTLS_NOT_ENFORCED'],
  ['server degraded, connection worked', client, "ServerDegradedError: the connection worked, but the server's own worker cannot reach its frontend", 'SERVER_DEGRADED'],
  ['server exited after it served (client)', { ...client, serverFound: 'SERVER_START_FAILED' }, 'Error: Failed to connect before the deadline', 'SERVER_START_FAILED'],
  ['server exited after it served (worker)', { ...worker, serverFound: 'SERVER_START_FAILED' }, 'TransportError: tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", 127.0.0.1:32792, Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })))', 'SERVER_START_FAILED'],
  ['frontend on loopback in its container (client)', { ...client, serverFound: 'SERVER_BOUND_TO_LOOPBACK' }, `Error: Failed to connect before the deadline ${probe('Error: Client network socket disconnected before secure TLS connection was established')}`, 'SERVER_BOUND_TO_LOOPBACK'],
  ['frontend on loopback in its container (worker)', { ...worker, serverFound: 'SERVER_BOUND_TO_LOOPBACK' }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: UnexpectedEof, error: "tls handshake eof" }))', 'SERVER_BOUND_TO_LOOPBACK'],
  ['HTTP API port that never answers (client)', { ...client, httpEndpoint: true }, probe('null'), 'HTTP_ENDPOINT_NOT_GRPC'],
  ['HTTP API port that never answers (worker)', { ...worker, httpEndpoint: true }, 'CellTimeoutError: NativeConnection.connect did not settle within 10000ms', 'HTTP_ENDPOINT_NOT_GRPC'],
  ['unresolvable name (client)', client, 'Error: Failed to connect before the deadline Error: 14 UNAVAILABLE: Name resolution failed for target dns:temporal.nowhere.invalid:32768', 'DNS_NAME_NOT_RESOLVED'],
  ['unresolvable name (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(ConnectError("dns error", Custom { kind: Uncategorized, error: "failed to lookup address information: Name or service not known" })))', 'DNS_NAME_NOT_RESOLVED'],
  ['IPv6 literal without brackets (either stack)', worker, "TypeError: Invalid address for Temporal gRPC endpoint: expected URI of the form 'hostname' or 'hostname:port'; got '::1:32768'", 'INVALID_ADDRESS'],
  ['an IP as the server name on Node 26 (client)', client, probe("TypeError [ERR_INVALID_ARG_VALUE]: The property 'options.servername' Setting the TLS ServerName to an IP address is not permitted.. Received '127.0.0.1'"), 'IP_SERVER_NAME_REFUSED_BY_NODE'],
  ['IPv6 literal as the server name (worker)', worker, 'TransportError: tonic::transport::Error(Transport, InvalidDnsNameError)', 'SERVER_NAME_INVALID'],
  ['TLS 1.0/1.1 endpoint (client)', client, probe('Error: 80FC2CE66F7F0000:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 70\n'), 'TLS_VERSION_UNSUPPORTED'],
  ['TLS 1.0/1.1 endpoint (worker)', worker, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: AlertReceived(ProtocolVersion) }))', 'TLS_VERSION_UNSUPPORTED'],
  ['CBC suites only (worker)', { ...worker, sharesNoRustlsSuite: true }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: AlertReceived(HandshakeFailure) }))', 'TLS_NO_SHARED_CIPHER'],
];

function pemKey(type: 'ec' | 'rsa', options: { namedCurve?: string; modulusLength?: number }): string {
  const { privateKey } = generateKeyPairSync(type as 'ec', { ...options, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } } as never);
  return privateKey as unknown as string;
}


/** API keys: every refusal is the same "Request unauthorized.", so the token the cell was given decides. */
const now = Math.floor(Date.now() / 1000);
const token = (claims: object) => ({ facts: { audience: [], permissions: ['default:write'], expiresAt: now + 600, ...claims }, namespace: 'default' });
const CLIENT_START = 'ServiceError: Failed to start Workflow <- Error: 7 PERMISSION_DENIED: Request unauthorized.';
const CLIENT_CONNECT = 'ServiceError: Failed to connect to Temporal server <- Error: 7 PERMISSION_DENIED: Request unauthorized.';
const WORKER_CONNECT = 'TransportError: Failed to call GetSystemInfo: code: \'The caller does not have permission to execute the specified operation\', message: "Request unauthorized."';
const WORKER_CREATE = 'TransportError: Namespace default was not found or otherwise could not be described: Status { code: PermissionDenied, message: "Request unauthorized.", details: b"..." }';
const WORKER_POLL = "Error: the worker's first poll (PollWorkflowTaskQueue) was refused; sdk-core would retry it for 60 s <- ServiceError: Request unauthorized.";
const STRAY_NEWLINE = { description: 'a trailing "\\n"', sendable: false };
const authMeasured: [string, ClassifyContext, string, DiagnosisCode][] = [
  ['no key (client)', client, CLIENT_START, 'API_KEY_MISSING'],
  ['no key (worker)', worker, WORKER_CREATE, 'API_KEY_MISSING'],
  ['expired (client)', { ...client, apiKey: token({ expiresAt: now - 60 }) }, CLIENT_CONNECT, 'API_KEY_EXPIRED'],
  ['expired (worker)', { ...worker, apiKey: token({ expiresAt: now - 60 }) }, WORKER_CONNECT, 'API_KEY_EXPIRED'],
  ['nbf ahead (worker)', { ...worker, apiKey: token({ notBefore: now + 300 }) }, WORKER_CONNECT, 'API_KEY_NOT_YET_VALID'],
  ['not a JWT (client)', { ...client, apiKey: { facts: null, namespace: 'default' } }, CLIENT_CONNECT, 'API_KEY_REJECTED'],
  ['unknown signer (client)', { ...client, apiKey: token({}) }, CLIENT_CONNECT, 'API_KEY_REJECTED'],
  // Under load, the application's short connect after a failed probe can end in its deadline; the probe's refusal still decides.
  ['unknown signer (client, connect at its deadline)', { ...client, apiKey: token({}) }, 'Error: Failed to connect before the deadline Error: Failed to call GetSystemInfo <- Error: 7 PERMISSION_DENIED: Request unauthorized.', 'API_KEY_REJECTED'],
  ['wrong aud (worker)', { ...worker, apiKey: token({ audience: ['other'] }) }, WORKER_CONNECT, 'API_KEY_REJECTED'],
  ['other namespace (client)', { ...client, apiKey: token({ permissions: ['harness-other:write'] }) }, CLIENT_START, 'NAMESPACE_NOT_PERMITTED'],
  ['other namespace (worker)', { ...worker, apiKey: token({ permissions: ['harness-other:write'] }) }, WORKER_CREATE, 'NAMESPACE_NOT_PERMITTED'],
  ['read only (client)', { ...client, apiKey: token({ permissions: ['default:read'] }) }, CLIENT_START, 'ROLE_INSUFFICIENT'],
  ['read only (worker)', { ...worker, apiKey: token({ permissions: ['default:read'] }) }, WORKER_POLL, 'ROLE_INSUFFICIENT'],
  ['worker role (worker)', { ...worker, apiKey: token({ permissions: ['default:worker'] }) }, WORKER_CREATE, 'ROLE_INSUFFICIENT'],
  ['system admin on a missing namespace is not an auth failure', { ...client, apiKey: token({ permissions: ['temporal-system:admin'] }) }, 'ServiceError: Failed to start Workflow <- Error: 5 NOT_FOUND: Namespace nope is not found.', 'NAMESPACE_NOT_FOUND'],
  ['apiKey turned TLS on (client)', { ...client, apiKey: token({}), tlsImpliedByApiKey: true }, probe('Error: 806CE7A9377F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), 'API_KEY_IMPLIES_TLS'],
  ['apiKey turned TLS on (worker)', { ...worker, apiKey: token({}), tlsImpliedByApiKey: true }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidMessage(InvalidContentType) }))', 'API_KEY_IMPLIES_TLS'],
  ['a trailing newline (client, refused before sending)', { ...client, apiKey: { ...token({}), stray: STRAY_NEWLINE } }, 'Error: Metadata string value "Bearer [token redacted]\n" contains illegal characters', 'API_KEY_STRAY_BYTES'],
  ['a trailing newline (worker, sent without the key)', { ...worker, apiKey: { ...token({}), stray: STRAY_NEWLINE } }, WORKER_CREATE, 'API_KEY_STRAY_BYTES'],
  ['quotes (client, refused by the server)', { ...client, apiKey: { ...token({}), stray: { description: 'a leading "\\"" and a trailing "\\""', sendable: true } } }, CLIENT_CONNECT, 'API_KEY_STRAY_BYTES'],
  ['tls configured on purpose is still TLS_TO_PLAINTEXT_SERVER', { ...worker, apiKey: token({}), tlsImpliedByApiKey: false }, 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidMessage(InvalidContentType) }))', 'TLS_TO_PLAINTEXT_SERVER'],
];

/** A connection that worked (a held cell's timeline, family lifetime): measured with SDK 1.24.0, nginx 1.22.1 and server v1.32.1. */
const established = (context: ClassifyContext): ClassifyContext => ({ ...context, phase: 'established' });
const overTime: [string, ClassifyContext, string, DiagnosisCode][] = [
  ['poll cut by a proxy (worker, core at DEBUG)', established(worker), 'gRPC call poll_activity_task_queue failed on first attempt: Status { code: Internal, message: "protocol error: received message with invalid compression flag: 60 (valid flags are 0 and 1) while receiving response with status: 504 Gateway Timeout", metadata: MetadataMap { headers: {"server": "nginx/1.22.1", "content-type": "text/html"} }, source: None }', 'LONG_POLL_CUT'],
  ["result's long poll cut (client, one attempt)", established(client), 'GetWorkflowExecutionHistory attempt ended: 14 UNAVAILABLE: Received HTTP status code 504', 'LONG_POLL_CUT'],
  ['result() after 10 cut attempts (client)', client, 'ServiceError: Failed to get Workflow execution history <- Error: 14 UNAVAILABLE: Received HTTP status code 504', 'LONG_POLL_CUT'],
  ["the proxy's own log", established(worker), 'nginx ended PollWorkflowTaskQueue after 3.0 s with its own 504 Gateway Timeout page: no response began within grpc_read_timeout 3s', 'LONG_POLL_CUT'],
  ["validate --hold's own long poll", established(worker), 'our own long poll (PollWorkflowTaskQueue) ended after 20.0 s: Error: 14 UNAVAILABLE: Received HTTP status code 504', 'LONG_POLL_CUT'],
  ['a 504 on a call that is no long poll is a page, not a cut', established(client), 'StartWorkflowExecution attempt ended: 14 UNAVAILABLE: Received HTTP status code 504', 'PROXY_HTTP_ERROR'],
  ["proxy's 502 page (client probe)", client, 'Error: 14 UNAVAILABLE: Received HTTP status code 502', 'PROXY_HTTP_ERROR'],
  ["proxy's 502 page (worker)", { ...worker, clientTls: false }, 'TransportError: Failed to call GetSystemInfo: code: \'Internal error\', message: "protocol error: received message with invalid compression flag: 60 (valid flags are 0 and 1) while receiving response with status: 502 Bad Gateway"', 'PROXY_HTTP_ERROR'],
  ['refused, then served (worker)', { ...worker, servedAfterRefusal: true }, 'TransportError: tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", 127.0.0.1:17296, Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })))', 'SERVER_NOT_READY'],
  ['a dead connection found by the keepalive (worker)', established(worker), 'gRPC call poll_workflow_task_queue failed on first attempt: Status { code: Unavailable, message: "http2 error", source: Some(tonic::transport::Error(Transport, hyper::Error(Http2, KeepAliveTimedOut))) }', 'IDLE_CONNECTION_DROPPED'],
  ['a dead connection found by the keepalive (client, grpc-js tracer)', established(client), '2026-12-07T17:27:46.267Z | v1.14.7 21700 | keepalive | (1) 127.0.0.1:36259 Ping timeout passed without response', 'IDLE_CONNECTION_DROPPED'],
  ['pings refused (client)', established(client), 'Connection to dns:localhost:32952 at 127.0.0.1:32952 rejected by server because of excess pings. Increasing ping interval to 60000 ms', 'KEEPALIVE_REFUSED'],
  ['payload over the blob limit (client)', client, 'ServiceError: Failed to start Workflow <- Error: 3 INVALID_ARGUMENT: Blob data size exceeds limit.', 'PAYLOAD_TOO_LARGE'],
  ['payload over the gRPC limit (client)', client, 'ServiceError: Failed to start Workflow <- Error: 8 RESOURCE_EXHAUSTED: grpc: received message larger than max (5000272 vs. 4194304)', 'PAYLOAD_TOO_LARGE'],
  ["a reply over the client's 4 MB", client, 'Error: 8 RESOURCE_EXHAUSTED: Received message larger than max (4503362 vs 4194304)', 'PAYLOAD_TOO_LARGE'],
  ["payload over the worker's own check", established(worker), '[TMPRL1103] Attempted to upload payloads with size that exceeded the error limit.', 'PAYLOAD_TOO_LARGE'],
  ['a certificate refused at the reconnect (worker)', established(worker), 'gRPC call poll_workflow_task_queue retried 6 times: Status { code: Unknown, message: "transport error", source: Some(tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert: CertificateExpired" }))) }', 'CLIENT_CERT_EXPIRED'],
  ['an expired key refused mid-run (worker)', { ...established(worker), apiKey: { facts: { expiresAt: 1, audience: [], permissions: ['default:write'] }, namespace: 'default' } }, 'Network error while sending worker heartbeat: Status { code: PermissionDenied, message: "Request unauthorized.", source: None }', 'API_KEY_EXPIRED'],
];

test.each(overTime)('over time: %s', (_name, context, text, code) => {
  expect(classify(text, context)).toBe(code);
});

test("over time, a dropped connection says nothing of the handshake: a poll cut by the server's max connection age is no refused certificate", () => {
  const cut = 'gRPC call poll_workflow_task_queue failed on first attempt: Status { code: Unknown, message: "transport error", source: Some(tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: BrokenPipe, error: "stream closed because of a broken pipe" }))) }';
  const withCertificate = { ...worker, pem: { cert: 'x' }, clientCert: { expired: true, notYetValid: false, clientAuthAllowed: true } };
  expect(classify(cut, withCertificate)).toBe('CLIENT_CERT_EXPIRED');
  expect(classify(cut, { ...withCertificate, phase: 'established' })).toBe('UNCLASSIFIED');
  expect(classify(cut, { ...worker, clientTls: false, phase: 'established' })).toBe('UNCLASSIFIED');
});

test("a payload over the worker's warning limit is no failure", () => {
  expect(classify('[TMPRL1103] Attempted to upload payloads with size that exceeded the warning limit.', established(worker))).toBe('UNCLASSIFIED');
});

test.each([...measured, ...authMeasured])('%s', (_name, context, text, code) => {
  expect(classify(text, context)).toBe(code);
});

test('the same words without what the server\'s start found are no server state', () => {
  const eof = 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: UnexpectedEof, error: "tls handshake eof" }))';
  expect(classify(eof, worker)).not.toMatch(/^SERVER_(BOUND_TO_LOOPBACK|START_FAILED)$/);
});

test('a dropped connection is blamed on the client certificate only when TLS was on', () => {
  const closed = 'TransportError: Failed to call GetSystemInfo: source: hyper::Error(Canceled, "connection closed")';
  expect(classify(closed, { ...worker, clientTls: false })).toBe('PLAINTEXT_TO_TLS_SERVER');
  expect(classify(closed, { ...worker, pem: { cert: 'x' } })).toBe('UNCLASSIFIED');
});

test('errorText follows causes and grpc details', () => {
  const inner = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { details: 'Last error: boom' });
  const outer = new Error('Failed to connect to Temporal server', { cause: inner });
  expect(errorText(outer)).toBe(
    'Error: Failed to connect to Temporal server <- Error: 14 UNAVAILABLE: No connection established <- Last error: boom',
  );
});

test("a bare handshake failure is no missing cipher suite unless the server refuses rustls's suites", () => {
  const handshakeFailure = 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: AlertReceived(HandshakeFailure) }))';
  expect(classify(handshakeFailure, { ...worker, sharesNoRustlsSuite: false })).not.toBe('TLS_NO_SHARED_CIPHER');
});
