import { both, HarnessScenario, serverAuth } from './define';

const family = 'encryption';

export const encryption: HarnessScenario[] = [
  { name: 'codec-on-both-sides', family, about: 'Client and worker share an AES-GCM payload codec; the server stores only ciphertext.', server: 'tls', client: { tls: serverAuth, codec: 'shared' }, expect: both('ok'), verify: 'payloads-encrypted-at-rest' },
  { name: 'codec-missing', family, about: 'The side under test has no codec, the other side encrypts.', server: 'tls', client: { tls: serverAuth, codec: 'missing' }, expect: both('PAYLOAD_UNDECODABLE') },
  { name: 'codec-wrong-key', family, about: 'The side under test encrypts with a different key.', server: 'tls', client: { tls: serverAuth, codec: 'wrong-key' }, expect: both('PAYLOAD_UNDECODABLE') },
];
