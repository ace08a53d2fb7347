/**
 * One client setup, spelled the three ways Temporal users meet it: the variables the Temporal
 * samples read, the variables `@temporalio/envconfig` reads (different names for the same
 * things), and the `temporal` CLI's flags. Keeping them in one place keeps them in step.
 */

/** What a client needs to reach the served server; file paths are absolute. */
export interface ClientSettings {
  address: string;
  namespace: string;
  /** The CA that verifies the server; absent for a plain server. */
  ca?: string;
  /** The client certificate and key; absent unless the server asks for one and they are known. */
  cert?: string;
  key?: string;
  /** Only when the address host does not match the server certificate. */
  serverName?: string;
  /** With `serve --auth api-key`: the token and the 0600 file that holds it. */
  servedApiKey?: { token: string; file: string };
}

export type Variables = [name: string, value: string][];

const present = (entries: [string, string | undefined][]): Variables =>
  entries.filter((entry): entry is [string, string] => entry[1] !== undefined);

/** The names the samples use (samples-typescript hello-world-mtls `getEnv()`). */
export function samplesVariables(settings: ClientSettings): Variables {
  return present([
    ['TEMPORAL_ADDRESS', settings.address],
    ['TEMPORAL_NAMESPACE', settings.namespace],
    ['TEMPORAL_CLIENT_CERT_PATH', settings.cert],
    ['TEMPORAL_CLIENT_KEY_PATH', settings.key],
    ['TEMPORAL_SERVER_ROOT_CA_CERT_PATH', settings.ca],
    ['TEMPORAL_SERVER_NAME_OVERRIDE', settings.serverName],
    ['TEMPORAL_CLIENT_API_KEY', settings.servedApiKey?.token],
  ]);
}

/** The names `loadClientConnectConfig()` reads. */
export function envconfigVariables(settings: ClientSettings): Variables {
  return present([
    ['TEMPORAL_ADDRESS', settings.address],
    ['TEMPORAL_NAMESPACE', settings.namespace],
    ['TEMPORAL_TLS_CLIENT_CERT_PATH', settings.cert],
    ['TEMPORAL_TLS_CLIENT_KEY_PATH', settings.key],
    ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', settings.ca],
    ['TEMPORAL_TLS_SERVER_NAME', settings.serverName],
    ['TEMPORAL_API_KEY', settings.servedApiKey?.token],
  ]);
}

/** Both families, each name once (address and namespace are shared), for an env file. */
export function allVariables(settings: ClientSettings): Variables {
  return [...new Map([...samplesVariables(settings), ...envconfigVariables(settings)])];
}

/** The `temporal` CLI's connection flags, as arguments. */
export function cliFlags(settings: ClientSettings): string[] {
  const flag = (name: string, value: string | undefined) => (value === undefined ? [] : [name, value]);
  return [
    ...flag('--address', settings.address),
    ...flag('--namespace', settings.namespace),
    ...flag('--tls-ca-path', settings.ca),
    ...flag('--tls-cert-path', settings.cert),
    ...flag('--tls-key-path', settings.key),
    ...flag('--tls-server-name', settings.serverName),
    ...flag('--api-key', settings.servedApiKey?.token),
  ];
}

/**
 * A value as printed for pasting into a shell: an API key as `"$(cat FILE)"`, so the token itself
 * never reaches the terminal; anything else quoted only when needed.
 */
export function shellValue(value: string, settings: ClientSettings): string {
  return settings.servedApiKey && value === settings.servedApiKey.token ? `"$(cat ${shellQuote(settings.servedApiKey.file)})"` : shellQuote(value);
}

/** Quote for a POSIX shell only when needed, so ordinary paths stay readable. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
