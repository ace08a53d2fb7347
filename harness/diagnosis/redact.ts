/**
 * Key material never reaches a report: any PEM block that could hold a private key, any API key
 * (a JWT, whose signature is base64url, which the base64 rule would not catch whole), and any long
 * base64 run (a key pasted without markers), is replaced before an error text or an SDK's log line
 * is kept.
 */
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(-----END \1-----|$)/g;
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const LONG_BASE64 = /[A-Za-z0-9+/]{120,}={0,2}/g;

export function redactKeyMaterial(text: string): string {
  return text
    .replace(PEM_BLOCK, (_, label: string) => `[${label} redacted]`)
    .replace(JWT, '[token redacted]')
    .replace(LONG_BASE64, '[base64 redacted]');
}
