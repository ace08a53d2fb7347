/**
 * Which connection setup `validate` checks, and where it came from. Applications configure
 * Temporal in one of three ways, and validate reads them in this order, taking the first that
 * says anything (never mixing them, so the report names one source):
 *
 * 1. flags (`--address`, `--ca`, ...);
 * 2. environment variables, in either family: the samples' (hello-world-mtls) or envconfig's;
 * 3. an envconfig profile (`--profile`, TEMPORAL_PROFILE, else `default`) from the TOML file.
 */
import { existsSync } from 'node:fs';
import { loadClientConfig, loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { HarnessError } from '../errors';

export type SettingsSource = 'flags' | 'env:samples' | 'env:envconfig' | `profile:${string}`;

/** Where one PEM comes from: a file, or inline data of an envconfig profile (`*_data`). */
export type PemOrigin = { kind: 'file'; path: string } | { kind: 'data'; name: string; data: Buffer };

export type PemRole = 'ca' | 'cert' | 'key';

export interface TlsSettings {
  ca?: PemOrigin;
  cert?: PemOrigin;
  key?: PemOrigin;
  serverName?: string;
}

export interface ValidateSettings {
  source: SettingsSource;
  /** As given: `host`, `host:port` or `[v6]:port`. */
  address: string;
  namespace: string;
  /** false: plaintext. */
  tls: TlsSettings | false;
  /** The API key and where it came from (never printed). */
  apiKey?: { token: string; from: string };
  /** TLS is on only because an API key is set: the SDKs' and envconfig's rule. */
  tlsImpliedByApiKey?: boolean;
}

export interface SettingsFlags {
  address?: string;
  namespace?: string;
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  profile?: string;
  apiKey?: string;
  /** TLS on with the system roots and nothing else, whatever the source says (the SDK's tls: true, the CLI's --tls). */
  tls?: boolean;
}

type Env = Record<string, string | undefined>;

/** The SDKs' defaults when nothing names an address or a namespace. */
const DEFAULT_ADDRESS = 'localhost:7233';
const DEFAULT_NAMESPACE = 'default';

const CONNECTION_FLAGS = ['address', 'namespace', 'ca', 'cert', 'key', 'serverName'] as const;

/** The variable of each setting, per family. Both families share TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE. */
const ENV_FAMILIES = {
  'env:samples': {
    ca: 'TEMPORAL_SERVER_ROOT_CA_CERT_PATH',
    cert: 'TEMPORAL_CLIENT_CERT_PATH',
    key: 'TEMPORAL_CLIENT_KEY_PATH',
    serverName: 'TEMPORAL_SERVER_NAME_OVERRIDE',
  },
  'env:envconfig': {
    ca: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    cert: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
    key: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
    serverName: 'TEMPORAL_TLS_SERVER_NAME',
  },
} as const;

type EnvFamily = keyof typeof ENV_FAMILIES;

/** envconfig reads more TLS variables than the four above (TEMPORAL_TLS, *_DATA); any of them marks the family. */
const ENVCONFIG_MARK = /^TEMPORAL_TLS(_|$)/;

export function resolveSettings(flags: SettingsFlags, env: Env = process.env): ValidateSettings {
  const source = pickSource(flags, env);
  const picked = flags.tls && source.tls === false ? { ...source, tls: {} } : source;
  const settings = flags.apiKey === undefined ? picked : withApiKey(picked, { token: flags.apiKey, from: '--api-key' });
  checkAddress(settings);
  return settings;
}

/** An API key turns TLS on (system roots) where nothing else configured it, as the SDKs do. */
function withApiKey(settings: ValidateSettings, apiKey: { token: string; from: string }): ValidateSettings {
  if (apiKey.token.trim() === '') throw new HarnessError(`the API key from ${apiKey.from} is empty: give the token, or unset it`);
  return settings.tls === false ? { ...settings, apiKey, tls: {}, tlsImpliedByApiKey: true } : { ...settings, apiKey };
}

function pickSource(flags: SettingsFlags, env: Env): ValidateSettings {
  const flagged = CONNECTION_FLAGS.filter((name) => flags[name] !== undefined);
  if (flagged.length > 0 && flags.profile !== undefined) {
    throw new HarnessError(`--profile cannot be combined with --${kebab(flagged[0])}: give either flags or a profile`);
  }
  if (flagged.length > 0) return fromPaths('flags', flags, flagNames);
  if (flags.profile !== undefined) return fromProfile(flags.profile, env);
  const family = envFamily(env);
  if (family === 'env:samples') return fromSamplesEnv(env);
  if (family === 'env:envconfig') return fromProfileData('env:envconfig', loadEnvconfig({ disableFile: true }, env));
  return fromProfile(env.TEMPORAL_PROFILE, env);
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** host, host:port, [v6] or [v6]:port: what both SDKs accept. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+)(:\d{1,5})?$/;

/** Both SDKs refuse a URL where host:port belongs; say so before anything is dialled. */
function checkAddress({ address, source }: ValidateSettings): void {
  const scheme = SCHEME.exec(address);
  if (scheme) {
    const bare = address.slice(scheme[0].length).replace(/\/.*$/, '');
    throw new HarnessError(`the address "${address}" (from ${source}) has a scheme: give host:port, e.g. ${bare}`);
  }
  if (!HOST_PORT.test(address)) {
    throw new HarnessError(`the address "${address}" (from ${source}) is not host:port: give it as host:port, e.g. localhost:7233`);
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** How a setting is called in a message, per source. */
type Naming = (setting: keyof TlsSettings) => string;
const flagNames: Naming = (setting) => `--${kebab(setting)}`;

function envFamily(env: Env): EnvFamily | undefined {
  const set = (family: EnvFamily) => Object.values(ENV_FAMILIES[family]).filter((name) => env[name] !== undefined);
  const samples: string[] = [...set('env:samples'), ...(env.TEMPORAL_CLIENT_API_KEY === undefined ? [] : ['TEMPORAL_CLIENT_API_KEY'])];
  const envconfig = Object.keys(env).filter((name) => (ENVCONFIG_MARK.test(name) || name === 'TEMPORAL_API_KEY') && env[name] !== undefined);
  if (samples.length > 0 && envconfig.length > 0) {
    throw new HarnessError(
      `both families of environment variables are set (${samples[0]} and ${envconfig[0]}): unset one family, or pass flags`,
    );
  }
  if (samples.length > 0) return 'env:samples';
  if (envconfig.length > 0 || env.TEMPORAL_ADDRESS !== undefined || env.TEMPORAL_NAMESPACE !== undefined) return 'env:envconfig';
  return undefined;
}

function fromSamplesEnv(env: Env): ValidateSettings {
  const names = ENV_FAMILIES['env:samples'];
  const settings = fromPaths(
    'env:samples',
    {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      ca: env[names.ca],
      cert: env[names.cert],
      key: env[names.key],
      serverName: env[names.serverName],
    },
    (setting) => names[setting],
  );
  const apiKey = env.TEMPORAL_CLIENT_API_KEY;
  return apiKey === undefined ? settings : withApiKey(settings, { token: apiKey, from: 'TEMPORAL_CLIENT_API_KEY' });
}

/** Flags and the samples' variables: TLS as soon as any TLS setting is given, as the samples do. */
function fromPaths(source: SettingsSource, given: Omit<SettingsFlags, 'profile'>, naming: Naming): ValidateSettings {
  const file = (path: string | undefined): PemOrigin | undefined => (path === undefined ? undefined : { kind: 'file', path });
  const tlsGiven = given.ca !== undefined || given.cert !== undefined || given.key !== undefined || given.serverName !== undefined;
  const tls: TlsSettings = { ca: file(given.ca), cert: file(given.cert), key: file(given.key), serverName: given.serverName };
  return withCompletePair({
    source,
    address: given.address ?? DEFAULT_ADDRESS,
    namespace: given.namespace ?? DEFAULT_NAMESPACE,
    tls: tlsGiven ? tls : false,
  }, naming);
}

/**
 * A client certificate without its key (or the reverse) is a setup that cannot be validated:
 * grpc-js refuses it and envconfig silently drops the half it has, so say so up front.
 */
function withCompletePair(settings: ValidateSettings, naming: Naming): ValidateSettings {
  if (settings.tls !== false && (settings.tls.cert === undefined) !== (settings.tls.key === undefined)) {
    const [given, missing] = settings.tls.cert ? (['cert', 'key'] as const) : (['key', 'cert'] as const);
    throw new HarnessError(`${naming(given)} is set but ${naming(missing)} is not: give both halves of the client certificate pair`);
  }
  return settings;
}

function fromProfile(name: string | undefined, env: Env): ValidateSettings {
  const configFile = env.TEMPORAL_CONFIG_FILE;
  if (configFile !== undefined && !existsSync(configFile)) {
    throw new HarnessError(`TEMPORAL_CONFIG_FILE is ${configFile}, which does not exist: fix the path or unset it`);
  }
  const configSource: ConfigDataSource | undefined = configFile === undefined ? undefined : { path: configFile };
  const profile = loadEnvconfig({ profile: name, configSource }, env, () => {
    const known = Object.keys(loadClientConfig({ configSource, overrideEnvVars: definedOnly(env) }).profiles);
    const where = configFile ?? 'the default envconfig file (~/.config/temporalio/temporal.toml)';
    return `profile "${name}" is not in ${where} (${known.length > 0 ? `profiles: ${known.join(', ')}` : 'it has no profiles'})`;
  });
  return fromProfileData(`profile:${name ?? 'default'}`, profile, env.TEMPORAL_API_KEY === undefined ? `api_key of profile ${name ?? 'default'}` : undefined);
}

/** Load through envconfig itself, so validate reads exactly what an application using it would. */
function loadEnvconfig(
  options: Parameters<typeof loadClientConfigProfile>[0],
  env: Env,
  notFound?: () => string,
): ClientConfigProfile {
  try {
    return loadClientConfigProfile({ ...options, overrideEnvVars: definedOnly(env) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (notFound && /not found in config data/.test(message)) throw new HarnessError(notFound());
    throw new HarnessError(`envconfig cannot load the settings: ${message}`);
  }
}

function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** envconfig's names for the TLS sources, for messages and file names of repaired copies. */
const PROFILE_NAMES: Record<PemRole, string> = { ca: 'server_ca_cert', cert: 'client_cert', key: 'client_key' };

/** envconfig's own rule: TLS when the profile has a tls table (not disabled) or an API key. */
function fromProfileData(source: SettingsSource, profile: ClientConfigProfile, apiKeyFrom = 'TEMPORAL_API_KEY'): ValidateSettings {
  const origin = (role: PemRole, data: ConfigDataSource | undefined): PemOrigin | undefined => {
    if (data === undefined) return undefined;
    if ('path' in data) return { kind: 'file', path: data.path };
    return { kind: 'data', name: `${PROFILE_NAMES[role]}_data`, data: Buffer.from(data.data) };
  };
  const tls = profile.tls;
  const tlsOn = tls !== undefined ? tls.disabled !== true : profile.apiKey !== undefined;
  return withCompletePair(
    {
      source,
      address: profile.address ?? DEFAULT_ADDRESS,
      namespace: profile.namespace ?? DEFAULT_NAMESPACE,
      tls: tlsOn
        ? {
            ca: origin('ca', tls?.serverCACert),
            cert: origin('cert', tls?.clientCert),
            key: origin('key', tls?.clientKey),
            serverName: tls?.serverName,
          }
        : false,
      ...(profile.apiKey === undefined ? {} : { apiKey: { token: profile.apiKey, from: apiKeyFrom }, tlsImpliedByApiKey: tls === undefined }),
    },
    (setting) => (setting === 'serverName' ? 'server_name' : `${PROFILE_NAMES[setting]}_path`),
  );
}
