/**
 * Where a scenario's behaviour changed between releases: for each stack, two releases next to
 * each other on one axis (SDK at the same Node, or Node at the same SDK) whose outcome or cause
 * differ. That names the releases between which a bug appeared or went away.
 */
import type { CellResult, VersionChange } from '../matrix/results';
import { STACKS } from '../model/stack';
import type { VersionAxis, Versions } from '../model/versions';
import { compareVersions } from './ranges';

const AXES: VersionAxis[] = ['sdk', 'node'];
/** What a matrix cell or a validate probe observed. */
type Observation = Pick<CellResult, 'stack' | 'sdk' | 'node' | 'actual' | 'diagnosis'>;

const outcome = (cell: Observation) => (cell.actual === 'ok' ? 'ok' : (cell.diagnosis ?? 'fail'));
const versionsOf = ({ sdk, node }: Observation): Versions => ({ sdk, node });

/** The changes among one scenario's cells (or one validate run's probes). */
export function versionChanges(cells: Observation[]): VersionChange[] {
  return STACKS.flatMap((stack) => {
    const own = cells.filter((cell) => cell.stack === stack).sort(compareVersions);
    return AXES.flatMap((axis) => {
      const other: VersionAxis = axis === 'sdk' ? 'node' : 'sdk';
      const lines = new Map<string, Observation[]>();
      for (const cell of own) lines.set(cell[other], [...(lines.get(cell[other]) ?? []), cell]);
      return [...lines.values()].flatMap((line) =>
        line.slice(1).flatMap((cell, index) => {
          const previous = line[index];
          if (outcome(previous) === outcome(cell)) return [];
          return [{ stack, axis, from: versionsOf(previous), to: versionsOf(cell), before: outcome(previous), after: outcome(cell) }];
        }),
      );
    });
  });
}

/** `worker: UnknownIssuer … sdk 1.11.3 → 1.11.5 (node 20.20.2): SERVER_CA_UNTRUSTED → ok`. */
export function describeChange(change: VersionChange): string {
  const fixed = change.axis === 'sdk' ? `node ${change.from.node}` : `sdk ${change.from.sdk}`;
  return `${change.stack}: ${change.before} on ${change.axis} ${change.from[change.axis]}, ${change.after} on ${change.axis} ${change.to[change.axis]} (${fixed})`;
}
