/**
 * What makes a cause specific, read from the stacks' words: which size limit a message broke,
 * which status a proxy answered with. Shown beside the cause as the cell's detail.
 */
import type { DiagnosisCode } from './codes';

const MB = 1024 * 1024;
const inMb = (bytes: string) => `${(Number(bytes) / MB).toFixed(1)} MB`;

const DETAILS: Partial<Record<DiagnosisCode, { pattern: RegExp; say: (match: RegExpExecArray) => string }[]>> = {
  PAYLOAD_TOO_LARGE: [
    { pattern: /Blob data size exceeds limit/, say: () => "the server's blob size limit for one payload (limit.blobSize.error, 2 MB by default)" },
    {
      pattern: /TMPRL1103/,
      say: () => "the worker's own check against the server's blob size limit (TMPRL1103): it never sends the payload, fails the activity and retries it",
    },
    { pattern: /grpc: received message larger than max \((\d+) vs\. (\d+)\)/, say: (m) => `the server's gRPC receive limit (${inMb(m[2])}): the message had ${inMb(m[1])}` },
    {
      pattern: /Received message larger than max \((\d+) vs (\d+)\)/,
      say: (m) => `the client's own gRPC receive limit (${inMb(m[2])}): the reply had ${inMb(m[1])}`,
    },
  ],
  // Which address was refused: with a name that resolves to both loopbacks, the family is the point.
  CONNECTION_REFUSED: [
    { pattern: /"tcp connect error", (\S+?), Os \{ code: 111/, say: (m) => `refused at ${m[1]}` },
    { pattern: /connect ECONNREFUSED (\S+?)\.?(?:\s|$)/, say: (m) => `refused at ${m[1]}` },
  ],
  PROXY_HTTP_ERROR: [
    { pattern: /Received HTTP status code (\d{3})/, say: (m) => `the proxy answered with HTTP ${m[1]}` },
    { pattern: /with status: (\d{3} [A-Za-z ]+?)"/, say: (m) => `the proxy answered with HTTP ${m[1]}` },
  ],
};

/** The detail of `code` that `text` (the stack's error and cause) gives, if any. */
export function causeDetail(code: DiagnosisCode, text: string): string | null {
  for (const { pattern, say } of DETAILS[code] ?? []) {
    const match = pattern.exec(text);
    if (match) return say(match);
  }
  return null;
}
