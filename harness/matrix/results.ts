/** What one run of the matrix produces: the input of every report (table, JSON, JUnit, HTML). */
import type { DiagnosisCode } from '../diagnosis/codes';
import type { Stack } from '../model/stack';
import type { Timeline } from '../model/timeline';
import type { VersionAxis, Versions } from '../model/versions';

export type Outcome = 'ok' | 'fail';

/** One scenario run through one stack, on one SDK release and one Node release. */
export interface CellResult extends Versions {
  scenario: string;
  family: string;
  stack: Stack;
  /** What the scenario expects of this stack. */
  expected: Outcome;
  expectedDiagnosis: DiagnosisCode | null;
  actual: Outcome;
  /** The cause named by the classifier; null when the cell succeeded. */
  diagnosis: DiagnosisCode | null;
  explanation: string | null;
  fix: string | null;
  /** A detail that makes the cause specific (e.g. which PEM damage, on which line). */
  detail: string | null;
  /** The error the application sees, as the SDK raised it (never key material). */
  error: string | null;
  /** For the client stack, the reason a non-retrying probe got, which the SDK error hides. */
  cause: string | null;
  /** What the cell's timeline showed besides its outcome (family lifetime), each code once, in order of appearance. */
  findings: DiagnosisCode[];
  /** What the scenario expects the timeline to show. */
  expectedFindings: DiagnosisCode[];
  /** True when actual outcome, diagnosis and findings are all as expected. */
  passed: boolean;
  /** For cells with a CONNECT proxy in play: whether the connection went through it (from its log). */
  route?: 'proxy' | 'direct';
  /** True when the client and the worker disagree on this scenario, on these releases. */
  divergent: boolean;
  ms: number;
  /** For a held connection (family lifetime): what happened over time, as each witness saw it. */
  timeline?: Timeline;
  /** For a held connection that failed: where the failure showed (`connect`, `reconnect`, `poll`, `long poll`, ...). */
  stage?: string;
}

/**
 * Where a stack's outcome or cause changed between two releases next to each other on one axis
 * (computed by versions/changes.ts).
 */
export interface VersionChange {
  stack: Stack;
  axis: VersionAxis;
  from: Versions;
  to: Versions;
  /** `ok` or the diagnosis (`fail` when unclassified) on `from`, then on `to`. */
  before: string;
  after: string;
}

/** A scenario with both of its cells per release compared. */
export interface ScenarioResult {
  scenario: string;
  family: string;
  about: string;
  /** Why the stacks disagree, when they do. */
  divergence: string | null;
  /** Where a stack's outcome or cause changed from one release to the next (several releases compared). */
  versionChanges: VersionChange[];
  cells: CellResult[];
}

export interface MatrixSummary {
  cells: number;
  passed: number;
  failed: number;
  divergences: number;
  /** Scenarios whose outcome or cause changed between releases. */
  versionChanges: number;
  wallMs: number;
  cellsPerSecond: number;
  /** Set-up time before the first cell: engine, image, PKI, servers. */
  setupMs: number;
}

/** A shard's place in its run (`matrix --shard K/N`), which `merge-reports` checks. */
export interface ShardInfo {
  index: number;
  total: number;
  /** The same for every shard of one run: its selection, releases and shard count (shard.ts). */
  runKey: string;
  /** The run's scenarios before the split, in order: the merged report's order. */
  selection: string[];
}

export interface MatrixReport {
  startedAt: string;
  serverVersion: string;
  sdkVersion: string;
  /** The releases the stacks under test ran on, oldest first (one entry: the harness's own). */
  variants: Versions[];
  scenarios: ScenarioResult[];
  /** Scenarios that could not be applied (e.g. with user certificates), with the reason. */
  notApplied: { scenario: string; reason: string }[];
  summary: MatrixSummary;
  /** Set-up steps (engine, binary, image, PKI, bundle, each server) in milliseconds. */
  timings: Record<string, number>;
  /** Set when the run was one shard of several. */
  shard?: ShardInfo;
}

/** The summary of `results`, whose cells took `wallMs` after `setupMs` of set-up. */
export function summaryOf(results: ScenarioResult[], wallMs: number, setupMs: number): MatrixSummary {
  const cells = results.flatMap((result) => result.cells);
  const passed = cells.filter((cell) => cell.passed).length;
  return {
    cells: cells.length,
    passed,
    failed: cells.length - passed,
    divergences: results.filter((result) => result.divergence).length,
    versionChanges: results.filter((result) => result.versionChanges.length > 0).length,
    wallMs,
    cellsPerSecond: wallMs > 0 ? Math.round((cells.length / (wallMs / 1000)) * 10) / 10 : 0,
    setupMs,
  };
}
