/**
 * Key material never reaches a report: any PEM block that could hold a private key, and any long
 * base64 run (a key pasted without markers), is replaced before an error text is kept.
 */
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(-----END \1-----|$)/g;
const LONG_BASE64 = /[A-Za-z0-9+/]{120,}={0,2}/g;

export function redactKeyMaterial(text: string): string {
  return text
    .replace(PEM_BLOCK, (_, label: string) => `[${label} redacted]`)
    .replace(LONG_BASE64, '[base64 redacted]');
}
