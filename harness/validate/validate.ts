/**
 * `validate` as a function: resolve the settings, read the PEMs, check them offline, read the
 * server's certificate, write repaired copies if asked, then probe both SDK stacks. Offline
 * first, so the findings explain the probes that follow.
 */
import type { TLSConfig } from '@temporalio/client';
import { isSelfSigned } from './cert-checks';
import { hasErrors, type Finding, type Severity } from './findings';
import { planRepairs, writeRepairs } from './fix-output';
import { lint, type ParsedSetup } from './lint';
import { readPemInputs, type PemInputs } from './pem-input';
import type { ProbeResult, ProbeTarget } from './probe';
import { presentedChain } from '../diagnosis/evidence';
import { describeEnvironment, type EnvironmentReport } from './environment';
import { checkServerCertificate, LIVE_TIMEOUT_MS } from './server-cert';
import { lintApiKey } from './api-key-lint';
import { envconfigsOf, ignoredSettings } from './ignored-settings';
import { describeChange, versionChanges } from '../versions/changes';
import type { NodeMajor } from '../versions/node-majors';
import { versionsLabel } from '../versions/ranges';
import { prepareVariants } from '../versions/variants';
import { resolveSettings, type SettingsFlags, type SettingsSource, type ValidateSettings } from './settings';

export interface ValidateOptions extends SettingsFlags {
  /** Skip everything that touches the network: the server's certificate and the probes. */
  offline?: boolean;
  /** Folder for repaired copies of damaged PEM files. */
  fixOutput?: string;
  /** SDK releases to probe with besides the harness's own (installed into the cache once). */
  sdk?: string[];
  /** Node majors to probe on (20, 22, 24, 25, 26; default: the Node running the harness). */
  node?: NodeMajor[];
}

export interface ValidateReport {
  /** No error finding, and every probe ok. */
  ok: boolean;
  source: SettingsSource;
  settings: ValidateSettings;
  /** What was looked at, one line each. */
  checked: string[];
  /** Errors first, then warnings, then notes. */
  findings: Finding[];
  probes: ProbeResult[];
  /** Set when the two stacks came to different outcomes or causes (per release, when several are probed). */
  disagreement: string | null;
  /** Where a stack's outcome or cause changed from one release to the next (several releases probed). */
  changes: string[];
  /** Repaired copies written by --fix-output. */
  repaired: string[];
  /** The trust-store, proxy and Node variables of this shell, and what follows for each stack. */
  environment: EnvironmentReport;
  /** The connection as probed (key material included: never printed), for `--hold`. */
  target: ProbeTarget;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export async function validate(options: ValidateOptions, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<ValidateReport> {
  const settings = resolveSettings(options, env);
  // Before anything is read: a release that does not exist or does not load stops here.
  const variants = options.sdk?.length || options.node?.length ? await prepareVariants({ sdk: options.sdk, node: options.node }) : [];
  const inputs = await readPemInputs(settings.tls);
  const repairedCopies = await planRepairs(inputs, options.fixOutput);
  const offline = lint({ settings, inputs, now, repairedCopies });
  const apiKey = lintApiKey(settings, now);
  // Only an application that reads its settings through envconfig meets what envconfig drops.
  const throughEnvconfig = settings.source === 'env:envconfig' || settings.source.startsWith('profile:');
  const unapplied = throughEnvconfig ? ignoredSettings(envconfigsOf(variants), env) : { findings: [], checked: [] };
  const server = options.offline
    ? { findings: [], checked: ['server certificate: not read (--offline)'] }
    : await checkServerCertificate(settings, offline.parsed, inputs, now);
  const environment = describeEnvironment(env, process.execArgv, await serverSide(settings, inputs, options.offline));
  if (settings.source === 'env:envconfig' && settings.tls === false) environment.notes.push(PLAINTEXT_FROM_SHARED_VARIABLES);
  const repaired = await writeRepairs(repairedCopies, inputs);
  // The SDKs load only for a live check, so that --offline starts fast.
  const live = options.offline ? undefined : await import('./probe');
  const target = probeTarget(settings, inputs, offline.parsed);
  const [probes, enforcement] = live
    ? await Promise.all([live.runProbes(target, variants), live.checkClientAuthEnforced(target)])
    : [[], { findings: [], checked: [] }];
  const findings = [...offline.findings, ...apiKey.findings, ...unapplied.findings, ...server.findings, ...enforcement.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    ok: !hasErrors(findings) && probes.every((probe) => probe.actual === 'ok'),
    source: settings.source,
    settings,
    checked: [...offline.checked, ...apiKey.checked, ...unapplied.checked, ...server.checked, ...enforcement.checked],
    findings,
    probes,
    disagreement: live ? disagreements(probes, live.disagreement) : null,
    changes: versionChanges(probes).map(describeChange),
    repaired,
    environment,
    target,
  };
}

/** The stacks' disagreement on each release probed, prefixed with the release when there are several. */
function disagreements(probes: ProbeResult[], onOneRelease: (probes: ProbeResult[]) => string | null): string | null {
  const releases = [...new Map(probes.map((probe) => [versionsLabel(probe), probe])).keys()];
  const lines = releases.flatMap((label) => {
    const line = onOneRelease(probes.filter((probe) => versionsLabel(probe) === label));
    return line ? [releases.length > 1 ? `${label}: ${line}` : line] : [];
  });
  return lines.length > 0 ? lines.join('\n') : null;
}

/** Both families read TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE; they disagree on TLS. */
const PLAINTEXT_FROM_SHARED_VARIABLES =
  'read as @temporalio/envconfig reads these variables: plaintext (TEMPORAL_TLS is unset); the samples (hello-world-mtls) speak TLS with the system roots on the same variables: add --tls to probe as they do';

/** The chain the server sends, for the environment report's trust-store notes (nothing offline or in plaintext). */
async function serverSide(settings: ValidateSettings, inputs: PemInputs, offline: boolean | undefined) {
  if (offline || settings.tls === false) return undefined;
  const chain = await presentedChain(settings.address, settings.tls.serverName, LIVE_TIMEOUT_MS).catch(() => []);
  return { chain, serverCa: inputs.ca !== undefined, tls: true };
}

/** The connection exactly as the application would make it: the bytes as given, not the repaired ones. */
function probeTarget(settings: ValidateSettings, inputs: PemInputs, parsed: ParsedSetup): ProbeTarget {
  const tls: TLSConfig | false =
    settings.tls === false
      ? false
      : {
          ...(inputs.ca ? { serverRootCACertificate: inputs.ca.raw } : {}),
          ...(settings.tls.serverName ? { serverNameOverride: settings.tls.serverName } : {}),
          ...(inputs.cert && inputs.key ? { clientCertPair: { crt: inputs.cert.raw, key: inputs.key.raw } } : {}),
        };
  return {
    address: settings.address,
    namespace: settings.namespace,
    tls,
    pem: { cert: inputs.cert?.text, key: inputs.key?.text },
    apiKey: settings.apiKey?.token,
    tlsImpliedByApiKey: settings.tlsImpliedByApiKey === true,
    knownIntermediates: [...parsed.caCerts, ...parsed.clientChain.slice(1)].filter((cert) => cert.ca && !isSelfSigned(cert)),
  };
}

/** The `--json` shape, exactly. */
export function toJson(report: ValidateReport) {
  return {
    ok: report.ok,
    source: report.source,
    findings: report.findings.map(({ code, severity, message, fix }) => ({ code, severity, message, fix })),
    probes: report.probes.map(({ stack, sdk, node, actual, diagnosis, ms }) => ({ stack, sdk, node, actual, diagnosis, ms })),
    ...(report.changes.length > 0 ? { changes: report.changes } : {}),
    environment: report.environment,
  };
}
