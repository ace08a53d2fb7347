import { both, HarnessScenario, mutualAuth } from './define';

const family = 'encoding';

/** The client certificate and key in the forms other tools and secret stores hand out. */
export const encoding: HarnessScenario[] = [
  { name: 'cert-der', family, about: 'The client certificate is DER (binary), as Windows and Java tools export it.', server: 'mtls', client: { tls: { ...mutualAuth, encoding: 'cert-der' } }, expect: both('CERT_DER_NOT_PEM') },
  { name: 'key-der', family, about: 'The client key is DER (binary PKCS#8).', server: 'mtls', client: { tls: { ...mutualAuth, encoding: 'key-der' } }, expect: both('KEY_DER_NOT_PEM') },
  { name: 'cert-double-base64', family, about: 'The client certificate PEM base64-encoded once more, as a Kubernetes secret holds it.', server: 'mtls', client: { tls: { ...mutualAuth, encoding: 'cert-double-base64' } }, expect: both('PEM_DOUBLE_ENCODED') },
  { name: 'key-double-base64', family, about: 'The client key PEM base64-encoded once more.', server: 'mtls', client: { tls: { ...mutualAuth, encoding: 'key-double-base64' } }, expect: both('PEM_DOUBLE_ENCODED') },
  { name: 'pkcs12-as-cert', family, about: 'A PKCS#12 bundle (.pfx, as the samples-server scripts also write) given as the certificate.', server: 'mtls', client: { tls: { ...mutualAuth, encoding: 'pkcs12-as-cert' } }, expect: both('PKCS12_NOT_PEM') },
  { name: 'chain-leaf-first', family, about: 'A client certificate from the intermediate, in one file with it: leaf first.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientViaIntermediate', key: 'clientViaIntermediate', encoding: 'chain-leaf-first' } }, expect: both('ok') },
  { name: 'chain-intermediate-first', family, about: 'The same chain file with the intermediate before the leaf.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientViaIntermediate', key: 'clientViaIntermediate', encoding: 'chain-intermediate-first' } }, expect: both('CHAIN_ORDER_WRONG') },
  { name: 'key-and-cert-in-one-file', family, about: 'Key and certificate concatenated in one file, given as both (as some secret stores keep them).', server: 'mtls', client: { tls: { ...mutualAuth, encoding: 'key-and-cert-in-one-file' } }, expect: both('ok') },
];
