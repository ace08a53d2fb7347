/**
 * One run split across machines, as Playwright's `--shard K/N`: each shard runs a share of the
 * selected scenarios and writes its report, and `merge-reports` joins them into the report of the
 * whole run. A server's scenarios stay in one shard (its faults are turns taken one at a time,
 * and each shard starts only the servers of its share), and shares are balanced by what their
 * cells cost, deterministically, so that every machine computes the same split.
 */
import { createHash } from 'node:crypto';
import { HarnessError } from '../errors';
import type { Versions } from '../model/versions';
import type { Scenario } from './scenario';

export interface Shard {
  /** 1-based, as `--shard 2/3` writes it. */
  index: number;
  total: number;
}

/** `--shard K/N`. */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const [index, total] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || total < 1 || index < 1 || index > total) {
    throw new HarnessError(`--shard "${value}" is not K/N with 1 <= K <= N (e.g. --shard 2/3 for the second of three)`);
  }
  return { index, total };
}

/**
 * What a scenario's two cells cost, in seconds of a run on 2 cores (measured here: a cell's median
 * 0.27 s; a fault's turn, with the fault done and undone by a restart and the cell run again,
 * 5 to 15 s; a held cell its hold and the workflow after it).
 */
export function scenarioCost(scenario: Scenario): number {
  if (scenario.hold) return scenario.hold.seconds + (scenario.hold.nextWithinS ?? 15);
  if (scenario.fault) return 20;
  return 1;
}

/**
 * The scenarios of `shard`, in their order in `scenarios`: servers with all their scenarios, the
 * costliest first, each to the share that costs least so far (the first such share on a tie).
 */
export function scenariosOfShard<S extends Scenario>(scenarios: S[], shard: Shard): S[] {
  const byServer = new Map<string, S[]>();
  for (const scenario of scenarios) byServer.set(scenario.server, [...(byServer.get(scenario.server) ?? []), scenario]);
  const cost = (group: S[]) => group.reduce((sum, scenario) => sum + scenarioCost(scenario), 0);
  const groups = [...byServer.entries()].sort(([nameA, a], [nameB, b]) => cost(b) - cost(a) || nameA.localeCompare(nameB));
  const loads = Array.from({ length: shard.total }, () => 0);
  const mine = new Set<string>();
  for (const [server, group] of groups) {
    const lightest = loads.indexOf(Math.min(...loads));
    loads[lightest] += cost(group);
    if (lightest === shard.index - 1) mine.add(server);
  }
  return scenarios.filter((scenario) => mine.has(scenario.server));
}

/**
 * What makes shards parts of one run: the same selection in the same order, the same releases
 * and the same number of shards. Every shard job computes it alike from its own command line.
 */
export function runKey(selection: string[], variants: Versions[], total: number): string {
  return createHash('sha256').update(JSON.stringify({ selection, variants, total })).digest('hex').slice(0, 16);
}
