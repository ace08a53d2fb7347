/** What a child-process cell sends back must read, to the classifier, exactly as the original error. */
import { errorText } from '../../diagnosis/classify';
import { cellEnvironment } from './child-cell';
import { attemptFromWire, attemptToWire, withBuffers } from './wire';

/** Through the same structured clone the IPC channel uses (serialization: 'advanced'). */
const overIpc = <T>(value: T): T => structuredClone(value);

test('an SDK error with a gRPC status and a cause chain survives the trip', () => {
  const status = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
    code: 14,
    details: 'No connection established. Last error: Error: unable to verify the first certificate',
  });
  const sdk = Object.assign(new Error('Failed to connect before the deadline', { cause: status }), { name: 'TransportError' });
  const attempt = { error: sdk, cause: 'a probe that threw a string', stage: 'connect' as const };
  const back = attemptFromWire(overIpc(attemptToWire(attempt)));
  expect(back.stage).toBe('connect');
  expect(errorText(back.error)).toBe(errorText(sdk));
  expect(errorText(back.cause)).toBe('a probe that threw a string');
  expect(back.error).toBeInstanceOf(Error);
  expect((back.error as Error & { cause: { code: number } }).cause.code).toBe(14);
});

test('a successful attempt stays one, with the time the child measured', () => {
  expect(attemptFromWire(overIpc(attemptToWire({ error: null })))).toEqual({ error: null });
  expect(attemptFromWire(overIpc(attemptToWire({ error: null, ms: 0 })))).toEqual({ error: null, ms: 0 });
});

test('certificates given as Buffers come back as Buffers', () => {
  const tls = overIpc({ serverRootCACertificate: Buffer.from('ca'), clientCertPair: { crt: Buffer.from('c'), key: Buffer.from('k') } });
  const revived = withBuffers(tls);
  expect(Buffer.isBuffer(revived.serverRootCACertificate)).toBe(true);
  expect(Buffer.isBuffer(revived.clientCertPair.key)).toBe(true);
  expect(revived.clientCertPair.crt.toString()).toBe('c');
});

test("a child's environment is the harness's without its trust and proxy variables, plus the scenario's", () => {
  const env = cellEnvironment({ SSL_CERT_FILE: '/ca.pem' }, { PATH: '/bin', https_proxy: 'http://p:1', NODE_EXTRA_CA_CERTS: '/x.pem', SSL_CERT_FILE: '/other.pem' });
  expect(env).toEqual({ PATH: '/bin', SSL_CERT_FILE: '/ca.pem' });
});
