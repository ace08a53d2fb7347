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

test('an API key (a JWT) is redacted whole, signature included', () => {
  const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4IiwicGVybWlzc2lvbnMiOlsiZGVmYXVsdDp3cml0ZSJdfQ.${'a-b_c'.repeat(60)}`;
  expect(redactKeyMaterial(`metadata: {"authorization": "Bearer ${token}"}`)).toBe('metadata: {"authorization": "Bearer [token redacted]"}');
});
