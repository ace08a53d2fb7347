/**
 * What `serve` prints once the server is ready: a block for people, ready to paste, and one JSON
 * line for scripts that wait for it. Both are derived from the same session, so they agree.
 */
import path from 'node:path';
import { cliFlags, envconfigVariables, samplesVariables, shellQuote, shellValue, type ClientSettings, type Variables } from './client-settings';
import type { ServeSession } from './session';

const exportLines = (variables: Variables, settings?: ClientSettings) =>
  variables.map(([name, value]) => `export ${name}=${settings ? shellValue(value, settings) : shellQuote(value)}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Who can reach the server: said every time, since a server without client certificates takes anyone who can. */
function publishedLine(addresses: string[]): string {
  const wide = addresses.filter((address) => !/^(127\.|::1$)/.test(address));
  const all = addresses.length === 0 || wide.some((address) => address === '0.0.0.0' || address === '::');
  if (all) return `Published on every interface (${addresses.join(', ') || 'all'}): any machine that reaches this one can use this server.`;
  if (wide.length > 0) return `Published on ${addresses.join(', ')}: machines that reach ${wide.join(' or ')} can use this server.`;
  return `Published on ${addresses.join(' and ')} only: nothing beyond this machine reaches it (--listen ADDRESS to publish wider).`;
}

export function renderHuman(session: ServeSession): string {
  const { settings } = session;
  const lines = [
    `Temporal server (${session.mode}) is SERVING at ${settings.address}, namespace ${settings.namespace}. ` +
      `Ready ${seconds(session.readyMs)} after start (server ${seconds(session.serverMs)}).`,
    publishedLine(session.publishedOn),
    ...(session.namespaces.length > 1 ? [`Namespaces registered: ${session.namespaces.join(', ')} (the settings below name the first).`] : []),
    ...certificateLines(session),
    ...apiKeyLines(session),
    '',
    '# Temporal samples (samples-typescript, e.g. hello-world-mtls)',
    ...exportLines(samplesVariables(settings), settings),
    '',
    '# @temporalio/envconfig (loadClientConnectConfig)',
    ...exportLines(envconfigVariables(settings), settings),
    `# ... or the same as profile "default" in a file:`,
    ...exportLines([['TEMPORAL_CONFIG_FILE', session.profile]]),
    '',
    '# temporal CLI (these flags on any command)',
    `temporal workflow list ${cliFlags(settings).map((value) => shellValue(value, settings)).join(' ')}`,
    '',
    session.checkProblem === undefined
      ? `Checked: a client configured from ${path.basename(session.profile)} ${
          session.checkedWithStandIn ? "(with serve's internal client certificate standing in for yours)" : 'alone'
        } reached namespace ${settings.namespace}.`
      : `WARNING: a client configured from ${path.basename(session.profile)} alone could not reach the server: ${session.checkProblem}`,
    ...(session.envFile ? [`Env file (both families): ${session.envFile}`] : []),
    `Ctrl-C or SIGTERM stops the server and removes its container${session.keepCerts ? '' : ` and ${session.certsDir} (--keep-certs keeps it)`}.`,
  ];
  return `${lines.join('\n')}\n`;
}

function apiKeyLines(session: ServeSession): string[] {
  if (!session.apiKeys) return [];
  return [
    `Authorization is on (JWT API keys). A write key per namespace, valid 24 h, each in a 0600 file (the token is never printed): ` +
      session.apiKeys.map(({ namespace, file }) => `${namespace} ${file}`).join(', ') +
      '.',
    `Other roles, namespaces or lifetimes: temporal-tls-harness api-key --certs ${shellQuote(session.certsDir)} --namespace NS --role read|write|worker|admin [--expires-in 1h]`,
  ];
}

function certificateLines(session: ServeSession): string[] {
  const { settings } = session;
  if (session.mode === 'plain') return [];
  const lines: string[] = [];
  if (session.internalCa === undefined) {
    const files = [settings.ca, settings.cert, settings.key].filter((file): file is string => file !== undefined);
    lines.push(`Certificates minted into ${session.certsDir}; the client uses ${files.map((file) => path.basename(file)).join(', ')}.`);
  } else {
    lines.push(
      `Serving your certificates. The server's own worker and serve's health checks use an internal PKI minted into ` +
        `${path.dirname(session.internalCa)}: they reach the server under another server name, and ` +
        (session.mode === 'mtls'
          ? `the server also trusts the internal CA ${session.internalCa} for client certificates, beside your --client-ca.`
          : 'your certificates are untouched.'),
    );
    if (session.mode === 'mtls' && settings.cert === undefined) {
      lines.push(
        'No --client-cert/--client-key given: add your client certificate and key to the settings below ' +
          '(TEMPORAL_CLIENT_CERT_PATH/_KEY_PATH, TEMPORAL_TLS_CLIENT_CERT_PATH/_KEY_PATH, --tls-cert-path/--tls-key-path).',
      );
    }
  }
  if (settings.serverName !== undefined) {
    lines.push(
      `The server certificate does not name localhost or 127.0.0.1: use the server name ${settings.serverName} ` +
        '(TEMPORAL_SERVER_NAME_OVERRIDE, TEMPORAL_TLS_SERVER_NAME, --tls-server-name; set below).',
    );
  }
  if (session.certificateWarning) lines.push(`WARNING: ${session.certificateWarning}.`);
  return lines;
}

/** One line for scripts: printed once the server is SERVING, and nothing else goes to stdout. */
export function renderJsonLine(session: ServeSession): string {
  const { settings } = session;
  return `${JSON.stringify({
    address: settings.address,
    namespace: settings.namespace,
    namespaces: session.namespaces,
    mode: session.mode,
    serverName: settings.serverName ?? null,
    ca: settings.ca ?? null,
    cert: settings.cert ?? null,
    key: settings.key ?? null,
    envFile: session.envFile ?? null,
    profile: session.profile,
    auth: session.apiKeys ? 'api-key' : null,
    publishedOn: session.publishedOn,
    apiKeyFiles: session.apiKeys ? Object.fromEntries(session.apiKeys.map(({ namespace, file }) => [namespace, file])) : null,
    checkProblem: session.checkProblem ?? null,
    readyMs: session.readyMs,
  })}\n`;
}
