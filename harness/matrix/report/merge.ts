/**
 * Shard reports (`matrix --shard K/N --report-dir DIR`) joined into the report of the whole run,
 * as Playwright's `merge-reports` does: the cells of every shard, in the order of the run's
 * selection, with divergences, release changes and the summary computed again from them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../../errors';
import { scenarioResults } from '../runner';
import { summaryOf, type CellResult, type MatrixReport } from '../results';
import type { Scenario } from '../scenario';
import { REPORT_SCHEMA_VERSION, type MatrixJsonReport } from './json';

/** The shard reports in `dirs` (each a folder of `report-*.json`, or one such file). */
export function readShardReports(dirs: string[]): { file: string; report: MatrixJsonReport }[] {
  const files = dirs.flatMap((dir) => {
    if (!statSync(dir, { throwIfNoEntry: false })) throw new HarnessError(`${dir} does not exist: give the folders --report-dir wrote`);
    if (!statSync(dir).isDirectory()) return [dir];
    return readdirSync(dir)
      .filter((name) => /^report-\d+-of-\d+\.json$/.test(name))
      .map((name) => path.join(dir, name));
  });
  if (files.length === 0) throw new HarnessError(`no shard report (report-K-of-N.json) in ${dirs.join(', ')}`);
  return files.map((file) => ({ file, report: parseReport(file) }));
}

function parseReport(file: string): MatrixJsonReport {
  let parsed: Partial<MatrixJsonReport>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HarnessError(`${file} is not a JSON report: ${(error as Error).message}`);
  }
  if (parsed.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new HarnessError(`${file} has report schema version ${parsed.schemaVersion ?? 'none'}; this harness reads version ${REPORT_SCHEMA_VERSION}: merge with the release that wrote it`);
  }
  if (!parsed.shard) throw new HarnessError(`${file} is the report of a whole run, not of a shard (run with --shard K/N --report-dir DIR)`);
  return parsed as MatrixJsonReport;
}

/** One run's shards, all of them once each, joined; refused in one line when they are not. */
export function mergeShardReports(shards: { file: string; report: MatrixJsonReport }[]): MatrixReport {
  const [first] = shards;
  const { runKey, total } = first.report.shard!;
  for (const { file, report } of shards) {
    if (report.shard!.runKey !== runKey || report.shard!.total !== total) {
      throw new HarnessError(`${file} is a shard of another run than ${first.file} (another selection, releases or shard count): merge the shards of one run`);
    }
  }
  for (let index = 1; index <= total; index++) {
    const found = shards.filter(({ report }) => report.shard!.index === index);
    if (found.length === 0) throw new HarnessError(`shard ${index} of ${total} is missing: its job's report-${index}-of-${total}.json was not given`);
    if (found.length > 1) throw new HarnessError(`shard ${index} of ${total} is given twice: ${found.map(({ file }) => file).join(' and ')}`);
  }
  const reports = shards.map(({ report }) => report);
  const cells = reports.flatMap((report) => report.cells);
  const results = scenarioResults(scenariosOf(first.report.shard!.selection, cells), cells.map(withoutScenarioFields));
  const wallMs = Math.max(...reports.map((report) => report.summary.wallMs));
  const setupMs = Math.max(...reports.map((report) => report.summary.setupMs));
  return {
    startedAt: reports.map((report) => report.startedAt).sort()[0],
    serverVersion: first.report.serverVersion,
    sdkVersion: first.report.sdkVersion,
    variants: first.report.variants,
    scenarios: results.filter((result) => result.cells.length > 0),
    notApplied: reports.flatMap((report) => report.notApplied),
    summary: summaryOf(results, wallMs, setupMs),
    timings: Object.fromEntries(reports.flatMap((report) => Object.entries(report.timings).map(([step, ms]) => [`shard ${report.shard!.index}: ${step}`, ms]))),
  };
}

type JsonCell = MatrixJsonReport['cells'][number];

/** The scenarios of the run, in the order of its selection, as far as the report needs them. */
function scenariosOf(selection: string[], cells: JsonCell[]): Pick<Scenario, 'name' | 'family' | 'about' | 'divergence'>[] {
  return selection.map((name) => {
    const own = cells.filter((cell) => cell.scenario === name);
    return {
      name,
      family: own[0]?.family as Scenario['family'],
      about: own[0]?.about ?? '',
      divergence: own.find((cell) => cell.divergence)?.divergence ?? undefined,
    };
  });
}

function withoutScenarioFields(cell: JsonCell): CellResult {
  const { about: _about, divergence: _divergence, ...result } = cell;
  return result;
}
