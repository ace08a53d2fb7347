/**
 * The files `serve` hands to clients: an envconfig TOML profile and, on request, an env file.
 * The profile is written with envconfig's own serializer and read back with its loader, so a
 * profile that envconfig would not accept is never printed.
 */
import { writeFile } from 'node:fs/promises';
import { clientConfigToToml, loadClientConnectConfig, type ClientConfigTLS, type ClientConnectConfig } from '@temporalio/envconfig';
import { allVariables, type ClientSettings } from './client-settings';

/** Write profile `default` for `settings` to `file`; returns what envconfig reads back from it. */
export async function writeProfile(file: string, settings: ClientSettings): Promise<ClientConnectConfig> {
  const tls: ClientConfigTLS | undefined =
    settings.ca === undefined
      ? undefined
      : {
          serverCACert: { path: settings.ca },
          ...(settings.cert && settings.key ? { clientCert: { path: settings.cert }, clientKey: { path: settings.key } } : {}),
          ...(settings.serverName ? { serverName: settings.serverName } : {}),
        };
  const profile = {
    address: settings.address,
    namespace: settings.namespace,
    ...(tls ? { tls } : {}),
    ...(settings.servedApiKey ? { apiKey: settings.servedApiKey.token } : {}),
  };
  await writeFile(file, clientConfigToToml({ profiles: { default: profile } }), { mode: modeFor(settings) });
  // The user's shell may hold TEMPORAL_* variables; they must not colour what the file says.
  const loaded = loadClientConnectConfig({ configSource: { path: file }, disableEnv: true, configFileStrict: true });
  if (loaded.connectionOptions.address !== settings.address || loaded.namespace !== settings.namespace) {
    throw new Error(`envconfig read ${file} back as ${loaded.connectionOptions.address}/${loaded.namespace}`);
  }
  return loaded;
}

/** `KEY=value` lines of both variable families, unquoted, as docker and dotenv read them. */
export async function writeEnvFile(file: string, settings: ClientSettings): Promise<void> {
  const lines = allVariables(settings).map(([name, value]) => `${name}=${value}\n`);
  await writeFile(file, lines.join(''), { mode: modeFor(settings) });
}

/** A file that holds an API key is a secret. */
const modeFor = (settings: ClientSettings) => (settings.servedApiKey ? 0o600 : 0o644);
