/**
 * Client key and certificate PEMs damaged the way environment variables, YAML and secret stores
 * damage them. Some damage is tolerated by both stacks and must connect.
 */
import type { Mangling } from '../harness/pki/pem-damage';
import type { Expectation } from '../harness/model/expectation';
import { HarnessScenario, mutualAuth } from './define';

/**
 * Which manglings each stack still parses, as measured against both: OpenSSL (client) skips
 * anything before the BEGIN marker, a byte order mark included; rustls (worker) does not.
 */
const TOLERATED: Record<Mangling, { client: boolean; worker: boolean; why?: string }> = {
  'literal-newlines': { client: false, worker: false },
  crlf: { client: true, worker: true },
  indented: { client: false, worker: false },
  'spaces-for-newlines': { client: false, worker: false },
  'newlines-removed': { client: false, worker: false },
  'joined-body': { client: true, worker: true },
  quoted: { client: false, worker: false },
  'trailing-spaces': { client: true, worker: true },
  'no-final-newline': { client: true, worker: true },
  'leading-blank-lines': { client: true, worker: true },
  bom: {
    client: true,
    worker: false,
    why: 'OpenSSL (client) skips anything before the BEGIN marker, a byte order mark included; rustls (worker) rejects the text.',
  },
};

function mangled(part: 'key' | 'cert', how: Mangling): HarnessScenario {
  const failure: Expectation = part === 'key' ? 'KEY_MALFORMED' : 'CERT_MALFORMED';
  const { client, worker, why } = TOLERATED[how];
  return {
    name: `${part}-${how}`,
    family: 'pem',
    about: `The client ${part === 'key' ? 'private key' : 'certificate'} PEM with ${how.replace(/-/g, ' ')}.`,
    server: 'mtls',
    client: { tls: { ...mutualAuth, mangle: { part, how } } },
    expect: { client: client ? 'ok' : failure, worker: worker ? 'ok' : failure },
    ...(why ? { divergence: why } : {}),
  };
}

const manglings = Object.keys(TOLERATED) as Mangling[];

export const pem: HarnessScenario[] = [
  ...manglings.map((how) => mangled('key', how)),
  ...manglings.map((how) => mangled('cert', how)),
];
