/**
 * Client key and certificate PEMs damaged the way environment variables, YAML and secret stores
 * damage them. Some damage is tolerated by both stacks and must connect.
 */
import type { Mangling } from '../harness/pki/pem-damage';
import type { Expectation } from '../harness/matrix/scenario';
import { both, HarnessScenario, mutualAuth } from './define';

/** Which manglings still parse (measured against both stacks); the rest must be diagnosed. */
const TOLERATED: Record<Mangling, boolean> = {
  'literal-newlines': false,
  crlf: true,
  indented: false,
  'spaces-for-newlines': false,
  'newlines-removed': false,
  'joined-body': true,
  quoted: false,
  'trailing-spaces': true,
  'no-final-newline': true,
  'leading-blank-lines': true,
  bom: false,
};

function mangled(part: 'key' | 'cert', how: Mangling): HarnessScenario {
  const failure: Expectation = part === 'key' ? 'KEY_MALFORMED' : 'CERT_MALFORMED';
  return {
    name: `${part}-${how}`,
    family: 'pem',
    about: `The client ${part === 'key' ? 'private key' : 'certificate'} PEM with ${how.replace(/-/g, ' ')}.`,
    server: 'mtls',
    client: { tls: { ...mutualAuth, mangle: { part, how } } },
    expect: both(TOLERATED[how] ? 'ok' : failure),
  };
}

const manglings = Object.keys(TOLERATED) as Mangling[];

export const pem: HarnessScenario[] = [
  ...manglings.map((how) => mangled('key', how)),
  ...manglings.map((how) => mangled('cert', how)),
];
