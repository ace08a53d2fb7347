/** Signing keys and tokens: what the server's default claim mapper will read, verified with jose against the JWKS. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { mintApiKeyChoice } from './scenario-keys';
import { loadSigner, signingKeyFiles, SigningKeyFiles, writeSigningKeys } from './signing-keys';
import { decodeApiKey, grants, mintToken, namesNamespace, timeProblem } from './tokens';

let dir: string;
let files: SigningKeyFiles;
let jwks: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'auth-test-'));
  files = await writeSigningKeys(dir);
  jwks = createLocalJWKSet(JSON.parse(await readFile(files.jwksPath, 'utf8')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('private keys are 0600, the JWKS holds only the two trusted public keys', async () => {
  for (const name of ['RS256', 'ES256', 'unknown'] as const) expect((await stat(files.keyPath(name))).mode & 0o777).toBe(0o600);
  const { keys } = JSON.parse(await readFile(files.jwksPath, 'utf8'));
  expect(keys.map((key: { alg: string; kty: string }) => `${key.alg}/${key.kty}`).sort()).toEqual(['ES256/EC', 'RS256/RSA']);
  expect(keys.every((key: Record<string, unknown>) => key.d === undefined && typeof key.kid === 'string')).toBe(true);
});

test.each(['RS256', 'ES256'] as const)('%s token verifies against the JWKS with sub, permissions, iat in the past, exp, nbf, aud', async (alg) => {
  const token = await mintToken(await loadSigner(files, alg), {
    subject: 'someone',
    permissions: ['default:write'],
    expiresInS: 600,
    notBeforeInS: -1,
    audience: 'aud-1',
  });
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { audience: 'aud-1' });
  const now = Date.now() / 1000;
  expect(protectedHeader.alg).toBe(alg);
  expect(payload).toMatchObject({ sub: 'someone', permissions: ['default:write'], aud: 'aud-1' });
  expect(payload.iat).toBeLessThan(now - 2);
  expect(payload.exp! - now).toBeGreaterThan(590);
  expect(payload.nbf).toBeLessThan(now);
});

test('the unknown key and a tampered signature do not verify; a non-JWT is named as such', async () => {
  const target = { keysDir: dir };
  const ns = { namespace: 'default', otherNamespace: 'harness-other' };
  await expect(jwtVerify(await mintApiKeyChoice('unknown-key', target, ns), jwks)).rejects.toThrow();
  await expect(jwtVerify(await mintApiKeyChoice('tampered', target, ns), jwks)).rejects.toThrow('signature verification failed');
  await expect(jwtVerify(await mintApiKeyChoice('write', target, ns), jwks)).resolves.toBeDefined();
  expect(decodeApiKey(await mintApiKeyChoice('malformed', target, ns))).toMatchObject({ ok: false, problem: expect.stringMatching(/^not a JWT/) });
});

test('signing keys reloaded from the folder have the kid of the JWKS', async () => {
  const { keys } = JSON.parse(await readFile(files.jwksPath, 'utf8'));
  const signer = await loadSigner(signingKeyFiles(dir), 'ES256');
  expect(keys.map((key: { kid: string }) => key.kid)).toContain(signer.keyId);
  await expect(loadSigner(signingKeyFiles(path.join(dir, 'nowhere')))).rejects.toThrow(/no API-key signing key at .*serve --auth api-key/);
});

test('what a token grants follows the default authorizer: worker < read < write, system roles count everywhere', () => {
  const facts = (permissions: string[]) => ({ audience: [], permissions });
  expect(grants(facts(['default:read']), 'default', 'read')).toBe(true);
  expect(grants(facts(['default:read']), 'default', 'write')).toBe(false);
  expect(grants(facts(['default:worker']), 'default', 'read')).toBe(false);
  expect(grants(facts(['default:WRITE']), 'default', 'write')).toBe(true);
  expect(grants(facts(['default:writer']), 'default', 'read')).toBe(false);
  expect(grants(facts(['temporal-system:admin']), 'anything', 'admin')).toBe(true);
  expect(grants(facts(['Default:write']), 'default', 'read')).toBe(false);
  expect(namesNamespace(facts(['harness-other:write']), 'default')).toBe(false);
});

test('time checks as the server makes them, with no leeway', () => {
  const at = (claims: object) => ({ audience: [], permissions: [], ...claims });
  expect(timeProblem(at({ expiresAt: 100 }), 100)).toBe('expired');
  expect(timeProblem(at({ expiresAt: 101 }), 100)).toBeNull();
  expect(timeProblem(at({ notBefore: 101 }), 100)).toBe('not-yet-valid');
  expect(timeProblem(at({ issuedAt: 101 }), 100)).toBe('issued-in-future');
});
