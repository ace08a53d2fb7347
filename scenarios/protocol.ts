import { both, HarnessScenario, serverAuth } from './define';

const family = 'protocol';

export const protocol: HarnessScenario[] = [
  { name: 'tls-to-plaintext-server', family, about: 'TLS configured, but the server listens in plaintext.', server: 'plain', client: { tls: serverAuth }, expect: both('TLS_TO_PLAINTEXT_SERVER') },
  { name: 'plaintext-to-tls-server', family, about: 'No TLS configured, but the server requires TLS.', server: 'tls', client: { tls: false }, expect: both('PLAINTEXT_TO_TLS_SERVER') },
  { name: 'plaintext-to-mtls-server', family, about: 'No TLS configured, but the server requires mutual TLS.', server: 'mtls', client: { tls: false }, expect: both('PLAINTEXT_TO_TLS_SERVER') },
  { name: 'nothing-listening', family, about: 'The port has no server behind it.', server: 'tls', client: { address: 'nothing-listening', tls: serverAuth }, expect: both('CONNECTION_REFUSED') },
  { name: 'address-with-scheme', family, about: 'The address is a URL (https://host:port) instead of host:port.', server: 'tls', client: { address: 'with-scheme', tls: serverAuth }, expect: both('INVALID_ADDRESS') },
];
