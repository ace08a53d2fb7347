/** Detecting and converting the forms certificates and keys arrive in, on a minted client pair. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mintCertificate } from './mint';
import { conversionCommand, detectEncoding, encodeClientPair, toPem, type ClientEncoding, type InputEncoding } from './encodings';

let pair: { cert: string; key: string };
beforeAll(async () => {
  const ca = await mintCertificate({ commonName: 'Encodings CA', isCa: true });
  const client = await mintCertificate({ commonName: 'encodings-client', extKeyUsage: ['clientAuth'] }, ca);
  pair = { cert: client.certPem, key: client.keyPem };
});

test.each<[ClientEncoding, 'crt' | 'key', InputEncoding]>([
  ['cert-der', 'crt', 'der-certificate'],
  ['key-der', 'key', 'der-key'],
  ['cert-double-base64', 'crt', 'double-base64'],
  ['key-double-base64', 'key', 'double-base64'],
  ['pkcs12-as-cert', 'crt', 'pkcs12'],
])('%s is detected as %s and converts back to the same PEM', (encoding, part, expected) => {
  const bytes = encodeClientPair(encoding, pair)[part];
  expect(detectEncoding(bytes)).toBe(expected);
  const pem = toPem(bytes, expected)!;
  if (part === 'crt' || expected === 'pkcs12') expect(new X509Certificate(pem.certs).fingerprint256).toBe(new X509Certificate(pair.cert).fingerprint256);
  if (part === 'key' || expected === 'pkcs12') {
    expect(createPrivateKey(pem.key!).export({ type: 'pkcs8', format: 'pem' })).toBe(createPrivateKey(pair.key).export({ type: 'pkcs8', format: 'pem' }));
  }
});

test('PEM is PEM, garbage is other', () => {
  expect(detectEncoding(Buffer.from(pair.cert))).toBe('pem');
  expect(detectEncoding(Buffer.from([1, 2, 3, 4, 5]))).toBe('other');
  expect(toPem(Buffer.from('x'), 'other')).toBeUndefined();
});

test('conversion commands name the file', () => {
  expect(conversionCommand('der-certificate', 'client.der', 'cert')).toBe('openssl x509 -inform der -in client.der -out client.pem');
  expect(conversionCommand('pkcs12', 'bundle.pfx', 'key')).toBe('openssl pkcs12 -in bundle.pfx -nocerts -nodes -passin pass: -out bundle.key.pem');
  expect(conversionCommand('double-base64', 'client.pem.b64', 'cert')).toBe('openssl base64 -d -A -in client.pem.b64 -out client.pem');
  expect(conversionCommand('der-key', 'client-key.der', 'key')).toBe('openssl pkey -inform der -in client-key.der -out client-key.pem');
});
