/**
 * What `validate` reports: findings named with the matrix's diagnosis codes, so an offline
 * finding and a failed live probe speak the same language.
 */
import { DIAGNOSES, type DiagnosisCode } from '../diagnosis/codes';
import { redactKeyMaterial } from '../diagnosis/redact';

/** error: a stack fails (or will); warning: works, but is about to break or is fragile; info: worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  code: DiagnosisCode;
  severity: Severity;
  /** What is wrong, naming the file and the certificate. */
  message: string;
  /** What to do; the code's general fix unless the finding knows better. */
  fix: string;
}

/** A finding; every text is passed through the redactor, since messages quote file content. */
export function finding(code: DiagnosisCode, severity: Severity, message: string, fix: string = DIAGNOSES[code].fix): Finding {
  return { code, severity, message: redactKeyMaterial(message), fix: redactKeyMaterial(fix) };
}

/** The result of a group of checks: findings, and one line per thing that was looked at. */
export interface CheckResult {
  findings: Finding[];
  /** What was checked and what it is, for the readable report ("client certificate: CN=..., RSA 2048"). */
  checked: string[];
}

export const hasErrors = (findings: readonly Finding[]) => findings.some((f) => f.severity === 'error');
