/**
 * Bytes around an API key that are not part of the token: what a file, a secret store, a .env or
 * a YAML file leaves there (a trailing newline, CRLF, spaces, quotes). The stacks treat them
 * differently: refused before sending, dropped with the header, or sent for the server to refuse.
 */

/** How a key picked up stray bytes on its way to the application. */
export type StrayBytes = 'trailing-newline' | 'trailing-crlf' | 'surrounding-spaces' | 'surrounding-quotes';

export const STRAY_BYTES: Record<StrayBytes, (token: string) => string> = {
  'trailing-newline': (token) => `${token}\n`,
  'trailing-crlf': (token) => `${token}\r\n`,
  'surrounding-spaces': (token) => `  ${token} `,
  'surrounding-quotes': (token) => `"${token}"`,
};

/** What lies around the token in a key, if anything. */
export interface StrayBytesFacts {
  /** The stray bytes as a reader sees them, e.g. `a trailing "\r\n"`. */
  description: string;
  /** Whether an HTTP/2 header can carry them (a line break cannot: the stack drops or refuses it). */
  sendable: boolean;
}

const AROUND = /^([\s"']*)[\s\S]*?([\s"']*)$/;

export function strayBytesOf(key: string): StrayBytesFacts | null {
  const [, leading = '', trailing = ''] = AROUND.exec(key) ?? [];
  if (leading === '' && trailing === '') return null;
  const shown = (bytes: string) => JSON.stringify(bytes);
  const where = [leading && `a leading ${shown(leading)}`, trailing && `a trailing ${shown(trailing)}`].filter(Boolean).join(' and ');
  return { description: where, sendable: !/[\r\n\0]/.test(key) };
}

/** The token without what lies around it. */
export function trimmedToken(key: string): string {
  return key.replace(/^[\s"']+|[\s"']+$/g, '');
}

/**
 * Where a key with stray bytes was refused, from the stack's words: by the stack before sending
 * (grpc-js checks header values), or by the server, which got either the key with its stray bytes
 * (its claim mapper refuses the exempt first call, GetSystemInfo, only for a key it cannot read)
 * or no key at all (the first call passed, the next was refused as unauthenticated).
 */
export function strayBytesRefusal(stray: StrayBytesFacts, text: string): string {
  const where = `${stray.description} in the key`;
  if (LOCAL_REFUSAL.test(text)) return `${where}: the stack refused the key itself, before sending any call`;
  if (REFUSED_AT_FIRST_CALL.test(text)) return `${where}: the stack sent the key with them, and the server refused it`;
  const why = stray.sendable ? '' : ' (a header cannot carry a line break)';
  return `${where}: the stack sent its calls without the key${why}, and the server refused them as unauthenticated`;
}

/** grpc-js's check of a metadata value (the key goes into the authorization header). */
export const LOCAL_REFUSAL = /contains illegal characters/i;
/** The first call of either stack refused: only a key the claim mapper cannot read is refused there. */
const REFUSED_AT_FIRST_CALL = /(Failed to connect to Temporal server|Failed to call GetSystemInfo)[\s\S]*(Request unauthorized|PERMISSION_DENIED|PermissionDenied)/;
