/** What SDK 1.24.0's own envconfig leaves unapplied (the harness's release; --sdk adds others). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envconfigsOf, ignoredSettings } from './ignored-settings';

const own = envconfigsOf([]);
const warned = (env: Record<string, string>) => ignoredSettings(own, env).findings.map((finding) => `${finding.code} ${finding.message.split(' ')[0]}`);

test('a variable envconfig reads and then drops is named, with what to do instead', () => {
  const { findings } = ignoredSettings(own, { TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_TLS: 'true', TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' });
  expect(findings).toHaveLength(1);
  expect(findings[0]).toMatchObject({ code: 'SETTING_IGNORED_BY_SDK', severity: 'warning' });
  expect(findings[0].message).toMatch(/^TEMPORAL_TLS_DISABLE_HOST_VERIFICATION is set, and SDK 1\.24\.0's envconfig builds the same connection options without it/);
  expect(findings[0].fix).toMatch(/no way to skip host verification/);
});

test('applied variables are not named: a switch that an API key would imply anyway, a switch turned off', () => {
  expect(warned({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_API_KEY: 'key', TEMPORAL_TLS: 'true', TEMPORAL_NAMESPACE: 'orders' })).toEqual([]);
  expect(warned({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'false' })).toEqual([]);
});

test('a remote codec endpoint is named: the TypeScript SDK calls none', () => {
  expect(warned({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_CODEC_ENDPOINT: 'http://localhost:8081' })).toEqual(['SETTING_IGNORED_BY_SDK TEMPORAL_CODEC_ENDPOINT']);
});

test('a profile key that strict mode refuses is named with its table', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ignored-settings-'));
  try {
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(file, '[profile.default]\naddress = "localhost:7233"\n[profile.default.tls]\ndisable_host_verification = true\n');
    const { findings } = ignoredSettings(own, { TEMPORAL_CONFIG_FILE: file });
    expect(findings.map((finding) => finding.message)).toEqual([
      "disable_host_verification in profile.default.tls of the envconfig file is not a key SDK 1.24.0's envconfig knows: it drops it in silence, and its strict mode (configFileStrict) refuses the file",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
