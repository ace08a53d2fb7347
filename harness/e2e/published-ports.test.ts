/**
 * The matrix's servers are published on loopback only: they take clients without certificates
 * (plaintext with --allow-no-auth, TLS-only), and a machine with a public address must not offer
 * them to its network. Read from the engine, for every container of this run.
 */
import { spawnSync } from 'node:child_process';
import { RUN_LABEL } from '../env/labels';
import type { EnvironmentDescription } from '../matrix/environment';
import { ENVIRONMENT_VARIABLE } from './global-setup';

const description: EnvironmentDescription = JSON.parse(process.env[ENVIRONMENT_VARIABLE] ?? 'null');

/** Each published port of each container of run `runId`, as `container port -> host address`. */
function publishedAddresses(runId: string): string[] {
  const ids = spawnSync('docker', ['ps', '-q', '--filter', `label=${RUN_LABEL}=${runId}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const inspected = JSON.parse(spawnSync('docker', ['inspect', ...ids], { encoding: 'utf8' }).stdout) as { HostConfig: { PortBindings: Record<string, { HostIp: string }[]> } }[];
  return inspected.flatMap(({ HostConfig }) => Object.entries(HostConfig.PortBindings).flatMap(([port, bindings]) => bindings.map(({ HostIp }) => `${port} -> ${HostIp || 'every interface'}`)));
}

test("every port of the run's servers is published on loopback, and nowhere else", () => {
  const published = publishedAddresses(description.runId);
  expect(published.length).toBeGreaterThanOrEqual(2 * Object.keys(description.endpoints).length);
  expect(published.filter((binding) => !/ -> (127\.0\.0\.1|::1)$/.test(binding))).toEqual([]);
});
