/**
 * From an error to its cause: an ordered table of rules, each a pattern over the error text (the
 * SDK's error plus, for the client stack, the probe's reason) and, where the text alone is
 * ambiguous, a condition on what was configured. The first rule that matches names the cause.
 * Like BoringSSL's expected-error map, the patterns are the stacks' own words, measured against
 * the real server (see README, "Where the stacks disagree").
 */
import type { Stack } from '../matrix/results';
import type { DiagnosisCode } from './codes';

/** What was configured, for the rules whose error text does not say enough. */
export interface ClassifyContext {
  stack: Stack;
  /** Whether the client side was configured to speak TLS. */
  clientTls: boolean;
  /** Whether the server speaks TLS, when known. */
  serverTls?: boolean;
}

interface Rule {
  code: DiagnosisCode;
  pattern: RegExp;
  stack?: Stack;
  when?: (context: ClassifyContext) => boolean;
}

/** Ordered: specific texts before general ones. */
export const RULES: readonly Rule[] = [
  // Configuration errors, raised before any I/O.
  { code: 'INVALID_ADDRESS', pattern: /Invalid address for Temporal gRPC endpoint|invalid target URL/i },
  { code: 'KEY_ENCRYPTED', pattern: /bad decrypt|ENCRYPTED PRIVATE KEY|bad password|interrupted or cancelled/i },
  { code: 'KEY_CERT_MISMATCH', pattern: /key values mismatch|KeyMismatch|InconsistentKeys/i },
  { code: 'KEY_MISSING', pattern: /Private key must be given|Missing property 'clientPrivateKey'|no private key/i },
  { code: 'CERT_MALFORMED', pattern: /Certificate chain must be given|Missing property 'clientCert'/i },
  { code: 'CERT_V1_UNSUPPORTED', pattern: /UnsupportedCertVersion/ },
  { code: 'CERT_MALFORMED', pattern: /no start line|NoCertificatesPresented|CertificateParseError|ASN1|bad base64 decode/i },
  { code: 'KEY_MALFORMED', pattern: /DECODER routines::unsupported|PrivateKeyParseError|failed to parse private key|no (RSA|PKCS8)/i },
  { code: 'SERVER_NAME_INVALID', pattern: /InvalidDnsNameError|invalid uri character|invalid dns name/i },

  // The server's certificate, as the client checks it.
  { code: 'SERVER_CERT_EXPIRED', pattern: /certificate has expired|ExpiredContext|CertExpired|Expired\b/ },
  { code: 'SERVER_CERT_NOT_YET_VALID', pattern: /certificate is not yet valid|NotValidYet/ },
  { code: 'WEAK_SIGNATURE', pattern: /md too weak|UnsupportedSignatureAlgorithm|BadSignature|weak/i },
  { code: 'SERVER_CERT_NO_SAN', pattern: /presented: \[\]/ },
  { code: 'SERVER_NAME_MISMATCH', pattern: /NotValidForName|ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/ },
  { code: 'INTERMEDIATE_AS_ROOT', pattern: /unable to get issuer certificate\b/ },
  { code: 'CHAIN_INCOMPLETE', pattern: /unable to verify the first certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE/ },
  { code: 'SERVER_CA_UNTRUSTED', pattern: /UnknownIssuer|unable to get local issuer certificate|self[- ]signed certificate/ },

  // The client's certificate, as the server rejects it (a TLS alert).
  { code: 'CLIENT_CERT_REQUIRED', pattern: /certificate required|CertificateRequired/i },
  { code: 'CLIENT_CERT_UNTRUSTED', pattern: /alert unknown ca|UnknownCA/i },
  { code: 'CLIENT_CERT_EXPIRED', pattern: /alert certificate expired|CertificateExpired/i },
  { code: 'CLIENT_CERT_WRONG_USAGE', pattern: /alert bad certificate|BadCertificate|unsupported certificate/i },

  // Protocol and reachability.
  { code: 'TLS_TO_PLAINTEXT_SERVER', pattern: /wrong version number|InvalidContentType|packet length too long/i },
  { code: 'CONNECTION_REFUSED', pattern: /ECONNREFUSED|Connection refused|ConnectionRefused/i },
  {
    code: 'PLAINTEXT_TO_TLS_SERVER',
    pattern: /BrokenPipe|Connection reset|ECONNRESET|Connection dropped|stream closed|Failed to connect|transport error/i,
    when: (context) => !context.clientTls,
  },

  // After connecting.
  { code: 'NAMESPACE_NOT_FOUND', pattern: /Namespace not found|Namespace \S+ is not found|NamespaceNotFound/i },
  { code: 'PAYLOAD_UNDECODABLE', pattern: /Unknown encoding|binary\/encrypted|cannot decrypt payload|decrypt/i },
  { code: 'TIMEOUT', pattern: /did not settle within|Failed to connect before the deadline|DEADLINE_EXCEEDED/i },
];

/** Name the cause of `text` (the SDK error followed by any probe reason). */
export function classify(text: string, context: ClassifyContext): DiagnosisCode {
  const rule = RULES.find(
    ({ pattern, stack, when }) =>
      (stack === undefined || stack === context.stack) && (when === undefined || when(context)) && pattern.test(text),
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
