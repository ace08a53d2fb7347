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
import type { ProbeResult } from './probe';
import { checkServerCertificate } from './server-cert';
import { lintApiKey } from './api-key-lint';
import { resolveSettings, type SettingsFlags, type SettingsSource, type ValidateSettings } from './settings';

export interface ValidateOptions extends SettingsFlags {
  /** Skip everything that touches the network: the server's certificate and the probes. */
  offline?: boolean;
  /** Folder for repaired copies of damaged PEM files. */
  fixOutput?: string;
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
  /** Set when the two stacks came to different outcomes or causes. */
  disagreement: string | null;
  /** Repaired copies written by --fix-output. */
  repaired: string[];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export async function validate(options: ValidateOptions, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<ValidateReport> {
  const settings = resolveSettings(options, env);
  const inputs = await readPemInputs(settings.tls);
  const repairedCopies = await planRepairs(inputs, options.fixOutput);
  const offline = lint({ settings, inputs, now, repairedCopies });
  const apiKey = lintApiKey(settings, now);
  const server = options.offline
    ? { findings: [], checked: ['server certificate: not read (--offline)'] }
    : await checkServerCertificate(settings, offline.parsed, inputs, now);
  const repaired = await writeRepairs(repairedCopies, inputs);
  // The SDKs load only for a live check, so that --offline starts fast.
  const live = options.offline ? undefined : await import('./probe');
  const target = probeTarget(settings, inputs, offline.parsed);
  const [probes, enforcement] = live
    ? await Promise.all([live.runProbes(target), live.checkClientAuthEnforced(target)])
    : [[], { findings: [], checked: [] }];
  const findings = [...offline.findings, ...apiKey.findings, ...server.findings, ...enforcement.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    ok: !hasErrors(findings) && probes.every((probe) => probe.actual === 'ok'),
    source: settings.source,
    settings,
    checked: [...offline.checked, ...apiKey.checked, ...server.checked, ...enforcement.checked],
    findings,
    probes,
    disagreement: live ? live.disagreement(probes) : null,
    repaired,
  };
}

/** The connection exactly as the application would make it: the bytes as given, not the repaired ones. */
function probeTarget(settings: ValidateSettings, inputs: PemInputs, parsed: ParsedSetup) {
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
    probes: report.probes.map(({ stack, actual, diagnosis, ms }) => ({ stack, actual, diagnosis, ms })),
  };
}
