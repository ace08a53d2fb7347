/**
 * The readable form of a validate report: the settings and where they came from, what was
 * checked, what is wrong with the fix beside it, each stack's probe, and a verdict. Plain text,
 * so it can be pasted into an issue or a README as it is.
 */
import { versionsLabel } from '../versions/ranges';
import { DIAGNOSES } from '../diagnosis/codes';
import { formatMs } from '../matrix/report/table';
import type { Severity } from './findings';
import { describeOrigin } from './pem-input';
import type { ValidateReport } from './validate';
import type { PemRole } from './settings';

const MARKS: Record<Severity, string> = { error: '✗', warning: '!', info: 'i' };

function settingsSection({ settings }: ValidateReport): string[] {
  const lines = [
    `settings (from ${settings.source})`,
    `  address     ${settings.address}`,
    `  namespace   ${settings.namespace}`,
    ...(settings.apiKey ? [`  api key     from ${settings.apiKey.from} (not shown)`] : []),
  ];
  if (settings.tls === false) return [...lines, '  tls         off (plaintext)'];
  const tls = settings.tls;
  const pem = (role: PemRole) => {
    const origin = tls[role];
    return origin ? describeOrigin(role, origin) : role === 'ca' ? 'server CA: none (bundled roots)' : `${role}: none`;
  };
  return [
    ...lines,
    `  tls         on${tls.serverName ? `, server name ${tls.serverName}` : ''}`,
    ...(['ca', 'cert', 'key'] as const).map((role) => `              ${pem(role)}`),
  ];
}

/** What this shell sets that the stacks read besides the application's options; the probes run with it. */
function environmentSection({ environment }: ValidateReport): string[] {
  const set = Object.entries(environment.variables);
  return [
    'environment (the probes below run with it)',
    ...(set.length > 0 ? set.map(([name, value]) => `  ${name}=${value}`) : ['  no trust-store or proxy variable is set']),
    ...(environment.nodeFlags.length > 0 ? [`  node flags: ${environment.nodeFlags.join(' ')}`] : []),
    `  worker system store: ${environment.systemStore.certificates} certificate(s) from ${environment.systemStore.from}`,
    ...environment.notes.map((note) => `  i ${note}`),
  ];
}

function findingsSection({ findings }: ValidateReport): string[] {
  if (findings.length === 0) return ['findings: none'];
  return [
    'findings',
    ...findings.flatMap((finding) => [
      `  ${MARKS[finding.severity]} ${finding.severity.padEnd(7)} ${finding.code}: ${finding.message}`,
      `              fix: ${finding.fix}`,
    ]),
  ];
}

function probesSection(report: ValidateReport): string[] {
  if (report.probes.length === 0) return ['live probes: skipped (--offline)'];
  const several = new Set(report.probes.map(versionsLabel)).size > 1;
  return [
    'live probes (system info, then describe namespace)',
    ...report.probes.flatMap((probe) => {
      const release = several ? ` (${versionsLabel(probe)})` : '';
      const head = `  ${probe.stack.padEnd(7)}${release} ${probe.actual.padEnd(5)}${probe.diagnosis ? ` ${probe.diagnosis}` : ''}  ${formatMs(probe.ms)}`;
      if (!probe.diagnosis) return [head];
      return [head, `          ${DIAGNOSES[probe.diagnosis].explanation}`, `          raw: ${probe.error?.replace(/\s*\n\s*/g, ' ')}`];
    }),
    ...(report.disagreement ? report.disagreement.split('\n').map((line) => `  ≠ ${line}`) : []),
    ...report.changes.map((change) => `  Δ changed between releases: ${change}`),
  ];
}

function verdict(report: ValidateReport): string {
  const count = (severity: Severity) => report.findings.filter((finding) => finding.severity === severity).length;
  const failed = report.probes.filter((probe) => probe.actual === 'fail').length;
  const probes = report.probes.length === 0 ? 'no probes' : `${report.probes.length - failed} of ${report.probes.length} probes ok`;
  return `${report.ok ? 'OK' : 'FAIL'}: ${count('error')} error(s), ${count('warning')} warning(s), ${probes}`;
}

export function renderReport(report: ValidateReport): string {
  return [
    ...settingsSection(report),
    '',
    ...environmentSection(report),
    '',
    'checked',
    ...report.checked.map((line) => `  ${line}`),
    ...(report.repaired.length > 0 ? ['', 'repaired copies written', ...report.repaired.map((file) => `  ${file}`)] : []),
    '',
    ...findingsSection(report),
    '',
    ...probesSection(report),
    '',
    verdict(report),
    '',
  ].join('\n');
}
