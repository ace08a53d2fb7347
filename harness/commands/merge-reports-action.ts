/** What `merge-reports` does: read and check the shards, print the table, write the reports. */
import { renderHtml } from '../matrix/report/html';
import { toJsonReport } from '../matrix/report/json';
import { renderJUnit } from '../matrix/report/junit';
import { mergeShardReports, readShardReports } from '../matrix/report/merge';
import { renderSummary, renderTable, useColor } from '../matrix/report/table';
import { checkWritable, writeReport } from './report-files';

export interface MergeReportsOptions {
  json?: string;
  junit?: string;
  html?: string;
}

export async function mergeReportsAction(dirs: string[], options: MergeReportsOptions): Promise<void> {
  for (const file of [options.json, options.junit, options.html]) if (file) checkWritable(file);
  const report = mergeShardReports(readShardReports(dirs));
  process.stdout.write(`${renderTable(report, { color: useColor(process.stdout) })}\n${renderSummary(report)}\n`);
  await Promise.all([
    options.json && writeReport(options.json, JSON.stringify(toJsonReport(report), null, 2)),
    options.junit && writeReport(options.junit, renderJUnit(report)),
    options.html && writeReport(options.html, renderHtml(report)),
  ]);
  process.exitCode = report.summary.failed === 0 ? 0 : 1;
}
