/**
 * The API key, offline: decoded without verifying it (validate has no signing key), and checked
 * against what the server's default claim mapper and authorizer will do with it. The token is
 * never quoted, only what it says about itself.
 */
import { describeApiKey } from '../auth/api-key';
import { strayBytesOf, trimmedToken } from '../auth/stray-bytes';
import { decodeApiKey, grants, namesNamespace, timeProblem } from '../auth/tokens';
import { type CheckResult, type Finding, finding } from './findings';
import type { ValidateSettings } from './settings';

const SUPPORTED_ALGORITHMS = ['RS256', 'ES256'];

export function lintApiKey(settings: ValidateSettings, now = Date.now()): CheckResult {
  const { apiKey, namespace } = settings;
  if (!apiKey) return { findings: [], checked: [] };
  const stray = strayBytesOf(apiKey.token);
  const strayFinding = stray ? [finding('API_KEY_STRAY_BYTES', 'error', `the API key from ${apiKey.from} carries ${stray.description}, which is not part of the token, and the stacks do not trim it`)] : [];
  // The rest reads the token itself, so that one mistake is not reported as many.
  const decoded = decodeApiKey(stray ? trimmedToken(apiKey.token) : apiKey.token);
  if (!decoded.ok) {
    return {
      findings: [...strayFinding, finding('API_KEY_REJECTED', 'error', `the API key from ${apiKey.from} is ${decoded.problem}`)],
      checked: [`API key from ${apiKey.from}: not a JWT`],
    };
  }
  const { facts } = decoded;
  const findings: Finding[] = [...strayFinding];
  const from = `the API key from ${apiKey.from}`;
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  const time = timeProblem(facts, now / 1000);
  if (time === 'expired') findings.push(finding('API_KEY_EXPIRED', 'error', `${from} expired at ${at(facts.expiresAt!)}`));
  if (time === 'not-yet-valid') findings.push(finding('API_KEY_NOT_YET_VALID', 'error', `${from} is not valid before ${at(facts.notBefore!)} (nbf)`));
  if (time === 'issued-in-future') findings.push(finding('API_KEY_NOT_YET_VALID', 'error', `${from} is issued at ${at(facts.issuedAt!)}, in the future (iat)`));
  if (!SUPPORTED_ALGORITHMS.includes(facts.algorithm ?? '')) {
    findings.push(finding('API_KEY_REJECTED', 'error', `${from} is signed with ${facts.algorithm ?? 'no algorithm'}; the server's default key provider accepts only RS256 and ES256`));
  }
  if (facts.keyId === undefined) findings.push(finding('API_KEY_REJECTED', 'error', `${from} has no kid in its header, which the server needs to pick the key`));
  if (facts.subject === undefined) findings.push(finding('API_KEY_REJECTED', 'error', `${from} has no sub claim, which the server's claim mapper requires`));
  if (!namesNamespace(facts, namespace)) {
    findings.push(finding('NAMESPACE_NOT_PERMITTED', 'error', `${from} grants nothing on namespace ${namespace} (permissions: ${facts.permissions.join(', ') || 'none'})`));
  } else if (!grants(facts, namespace, 'write')) {
    const canRead = grants(facts, namespace, 'read');
    findings.push(
      finding(
        'ROLE_INSUFFICIENT',
        'error',
        `${from} ${canRead ? 'only reads' : 'grants nothing usable'} on namespace ${namespace}: starting workflows and a worker's polls need write`,
      ),
    );
  }
  if (settings.tlsImpliedByApiKey) {
    findings.push(finding('API_KEY_IMPLIES_TLS', 'info', 'TLS is on only because an API key is set, as the SDKs decide; a plaintext server needs tls: false (TEMPORAL_TLS=false)'));
  }
  return { findings, checked: [`API key from ${apiKey.from} (not shown): ${describeApiKey(facts)}`] };
}
