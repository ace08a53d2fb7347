/** `npm run soak -- --runs N [--family F...] [--json FILE]`: see soak.ts. */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { HarnessError } from '../errors';
import { runScript } from './run-script';
import { installQuietRuntime } from '../matrix/run-matrix';
import type { Family } from '../matrix/scenario';
import { renderSoak, soak } from './soak';

async function main(): Promise<number> {
  const options = new Command('soak')
    .option('--runs <n>', 'how many matrix runs', '10')
    .option('--family <name...>', 'only these families')
    .option('--json <file>', 'write the per-run figures as JSON')
    .parse()
    .opts<{ runs: string; family?: Family[]; json?: string }>();
  const runs = Number(options.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new HarnessError(`--runs "${options.runs}" is not a positive whole number`);
  installQuietRuntime();
  const results = await soak(runs, { family: options.family }, (run) =>
    process.stderr.write(`[soak] run ${run.run}/${runs}: ${run.cells} cells, ${run.failed} failed, ${run.flips.length} flips, ${(run.wallMs / 1000).toFixed(1)} s\n`),
  );
  process.stdout.write(`${renderSoak(results)}\n`);
  if (options.json) await writeFile(options.json, JSON.stringify(results, null, 2));
  return results.some((run) => run.flips.length > 0 || run.failed > 0 || run.containers > 0) ? 1 : 0;
}

runScript(main);
