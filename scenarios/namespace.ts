import { both, HarnessScenario, serverAuth } from './define';

const family = 'namespace';

export const namespace: HarnessScenario[] = [
  { name: 'namespace-not-registered', family, about: 'The namespace does not exist: connecting works, the first call fails.', server: 'tls', client: { tls: serverAuth, namespace: 'no-such-namespace' }, expect: both('NAMESPACE_NOT_FOUND') },
  { name: 'namespace-wrong-case', family, about: 'Namespaces are case-sensitive: "Default" is not "default".', server: 'tls', client: { tls: serverAuth, namespace: 'Default' }, expect: both('NAMESPACE_NOT_FOUND') },
  { name: 'namespace-just-registered', family, about: 'A namespace registered a moment before the first call.', server: 'tls', client: { tls: serverAuth, namespace: 'fresh' }, expect: both('ok') },
];
