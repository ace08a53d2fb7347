import { redactKeyMaterial } from './redact';

test('private key blocks and long base64 runs never survive', () => {
  const key = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'B'.repeat(64)}\n-----END PRIVATE KEY-----`;
  const literal = key.replace(/\n/g, '\\n');
  const text = `bad key: ${key} and again ${literal} and bare ${'C'.repeat(200)}`;
  const redacted = redactKeyMaterial(text);
  expect(redacted).toBe('bad key: [PRIVATE KEY redacted] and again [PRIVATE KEY redacted] and bare [base64 redacted]');
});

test('ordinary error texts are kept as they are', () => {
  const text = 'TransportError: tonic::transport::Error(Transport, InvalidDnsNameError)';
  expect(redactKeyMaterial(text)).toBe(text);
});
