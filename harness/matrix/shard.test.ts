/** Splitting a run into shards: whole, disjoint, deterministic, servers kept together, balanced. */
import { SCENARIOS } from '../../scenarios';
import { parseShard, runKey, scenarioCost, scenariosOfShard } from './shard';

const shardsOf = (total: number) => Array.from({ length: total }, (_, i) => scenariosOfShard(SCENARIOS, { index: i + 1, total }));

test.each([1, 2, 3, 5])('%i shards hold every scenario once, in the run order', (total) => {
  const shards = shardsOf(total);
  const names = shards.flat().map(({ name }) => name);
  expect(names.sort()).toEqual(SCENARIOS.map(({ name }) => name).sort());
  for (const shard of shards) expect(shard).toEqual(SCENARIOS.filter((scenario) => shard.includes(scenario)));
});

test("a server's scenarios, a fault server's turns among them, are in one shard", () => {
  const serversPerShard = shardsOf(3).map((shard) => new Set(shard.map(({ server }) => server)));
  for (const server of new Set(SCENARIOS.map(({ server }) => server))) {
    expect(serversPerShard.filter((servers) => servers.has(server))).toHaveLength(1);
  }
});

test('shares are balanced: no shard costs more than the lightest plus the costliest server', () => {
  const cost = (shard: typeof SCENARIOS) => shard.reduce((sum, scenario) => sum + scenarioCost(scenario), 0);
  const costs = shardsOf(3).map(cost);
  const byServer = new Map<string, number>();
  for (const scenario of SCENARIOS) byServer.set(scenario.server, (byServer.get(scenario.server) ?? 0) + scenarioCost(scenario));
  expect(Math.max(...costs) - Math.min(...costs)).toBeLessThanOrEqual(Math.max(...byServer.values()));
});

test('the same split on every machine, and more shards than servers leave some empty', () => {
  expect(shardsOf(3)).toEqual(shardsOf(3));
  const many = shardsOf(200);
  expect(many.filter((shard) => shard.length === 0).length).toBeGreaterThan(0);
  expect(many.flat()).toHaveLength(SCENARIOS.length);
});

test('the run key tells runs apart by selection, releases and shard count', () => {
  const versions = [{ sdk: '1.24.0', node: '20.20.2' }];
  const key = runKey(['a', 'b'], versions, 3);
  expect(runKey(['a', 'b'], versions, 3)).toBe(key);
  expect(runKey(['b', 'a'], versions, 3)).not.toBe(key);
  expect(runKey(['a', 'b'], versions, 2)).not.toBe(key);
  expect(runKey(['a', 'b'], [{ sdk: '1.13.2', node: '20.20.2' }], 3)).not.toBe(key);
});

test.each([
  ['2/3', { index: 2, total: 3 }],
  ['1/1', { index: 1, total: 1 }],
])('--shard %s', (value, shard) => {
  expect(parseShard(value)).toEqual(shard);
});

test.each(['0/3', '4/3', '3', 'a/b', '1/0', '-1/2', ''])('--shard "%s" is refused in one line', (value) => {
  expect(() => parseShard(value)).toThrow(/^--shard ".*" is not K\/N with 1 <= K <= N \(e\.g\. --shard 2\/3 for the second of three\)$/);
});
