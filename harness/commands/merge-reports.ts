/** `merge-reports`: the shard reports of one run (`matrix --shard K/N --report-dir DIR`) as one report. */
import type { Command } from 'commander';
import type { MergeReportsOptions } from './merge-reports-action';

export function registerMergeReportsCommand(program: Command): void {
  program
    .command('merge-reports')
    .description('Join the shard reports of one matrix run (matrix --shard K/N --report-dir DIR) into the report of the whole run.')
    .argument('<dir...>', 'folders holding report-K-of-N.json files (or the files themselves)')
    .option('--json <file>', 'write the merged results as JSON')
    .option('--junit <file>', 'write the merged results as JUnit XML')
    .option('--html <file>', 'write the merged results as a self-contained HTML report')
    .action(async (dirs: string[], options: MergeReportsOptions) => (await import('./merge-reports-action')).mergeReportsAction(dirs, options));
}
