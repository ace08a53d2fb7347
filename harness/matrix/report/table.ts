/**
 * The terminal report: a table of every cell, grouped by family, and a summary that lists what
 * needs a reader's attention (divergences and failing cells). This module also owns the wording
 * of a cell's outcome, so the JUnit and HTML reports say "expected X" the same way.
 */
import Table from 'cli-table3';
import { styleText } from 'node:util';
import { STACKS, type Stack } from '../../model/stack';
import type { CellResult, MatrixReport, ScenarioResult } from '../results';
import { describeChange } from '../../versions/changes';
import type { Versions } from '../../model/versions';
import { sameVersions, versionsLabel } from '../../versions/ranges';
import { condenseTimeline, groupTime } from '../../diagnosis/timeline';
import type { Timeline } from '../../model/timeline';

/** What the cell was expected to do, as one word: `ok`, the expected diagnosis, or `fail`. */
export function expectedLabel(cell: CellResult): string {
  return cell.expected === 'ok' ? 'ok' : (cell.expectedDiagnosis ?? 'fail');
}

/** What the cell did, as one word: `ok`, the diagnosis it got, or `fail` when unclassified. */
export function actualLabel(cell: CellResult): string {
  return cell.actual === 'ok' ? 'ok' : (cell.diagnosis ?? 'fail');
}

/** A duration for humans: whole milliseconds under a second, tenths of seconds above. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** Scenarios by family, families in the order the matrix ran them. */
export function groupByFamily(report: MatrixReport): Map<string, ScenarioResult[]> {
  const families = new Map<string, ScenarioResult[]>();
  for (const scenario of report.scenarios) {
    const group = families.get(scenario.family) ?? [];
    group.push(scenario);
    families.set(scenario.family, group);
  }
  return families;
}

/** A column of the grid: one stack on one release pair; a pair of columns per release compared. */
export interface Column {
  stack: Stack;
  versions: Versions;
  /** `client`, or `client` and the releases when several are compared. */
  title: string;
}

export function columns(report: MatrixReport): Column[] {
  const several = report.variants.length > 1;
  return report.variants.flatMap((versions) =>
    STACKS.map((stack) => ({ stack, versions, title: several ? `${stack}\n${versionsLabel(versions)}` : stack })),
  );
}

export function cellAt(scenario: ScenarioResult, column: Column): CellResult | undefined {
  return scenario.cells.find((cell) => cell.stack === column.stack && sameVersions(cell, column.versions));
}

/** `scenario [worker]`, and the releases when several are compared. */
export function cellName(cell: CellResult, report: MatrixReport): string {
  return report.variants.length > 1 ? `${cell.scenario} [${cell.stack}] (${versionsLabel(cell)})` : `${cell.scenario} [${cell.stack}]`;
}

/** The stacks disagreed, whether or not the scenario expected them to. */
export function isDivergent(scenario: ScenarioResult): boolean {
  return scenario.cells.some((cell) => cell.divergent);
}

/** The three colours a cell can have: as expected and ok, as expected and failing, or not as expected. */
export type Verdict = 'ok' | 'expected-fail' | 'mismatch';

export function verdict(cell: CellResult): Verdict {
  if (!cell.passed) return 'mismatch';
  return cell.actual === 'ok' ? 'ok' : 'expected-fail';
}

const VERDICT_STYLE = { ok: 'green', 'expected-fail': 'yellow', mismatch: 'red' } as const;

type Paint = (format: Parameters<typeof styleText>[0], text: string) => string;

/**
 * The caller has already decided whether to colour (see useColor), so styleText must not
 * second-guess it: by default it checks process.stdout, which is not the stream we print to
 * when the table goes to a file or stderr.
 */
function painter(color: boolean): Paint {
  return color ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text;
}

/** What a cell's timeline showed, `+ LONG_POLL_CUT`, or nothing. */
export function findingsLabel(codes: string[]): string {
  return codes.length > 0 ? `+ ${codes.join(', ')}` : '';
}

function cellText(cell: CellResult | undefined, paint: Paint): string {
  if (!cell) return '—';
  const outcome = cell.actual === 'ok' ? 'ok' : `fail ${actualLabel(cell)}`;
  const lines = [paint(VERDICT_STYLE[verdict(cell)], `${outcome} ${formatMs(cell.ms)}`)];
  if (cell.findings.length > 0) lines.push(paint('dim', findingsLabel(cell.findings)));
  if (!cell.passed) lines.push(paint('red', `✗ expected ${expectedLabel(cell)}${expectedFindingsNote(cell)}`));
  return lines.join('\n');
}

/** `, + X` when the findings differ from what the scenario expects of the timeline. */
function expectedFindingsNote(cell: CellResult): string {
  const same = cell.findings.length === cell.expectedFindings.length && cell.findings.every((code) => cell.expectedFindings.includes(code));
  return same ? '' : cell.expectedFindings.length > 0 ? ` ${findingsLabel(cell.expectedFindings)}` : ', nothing more';
}

/** Lines a condensed timeline gets in the terminal: a reader wants the story, the JSON report has every event. */
const TIMELINE_LINES = 12;
const TIMELINE_TEXT = 150;

/** A held cell's timeline, condensed (diagnosis/timeline.ts), one event kind per line. */
export function renderTimeline(timeline: Timeline, prefix = ''): string {
  const groups = condenseTimeline(timeline);
  const shown = groups.length > TIMELINE_LINES ? groups.filter((group) => group.code || group.level !== 'DEBUG').slice(0, TIMELINE_LINES) : groups;
  const lines = shown.map((group) => {
    const text = group.text.length > TIMELINE_TEXT ? `${group.text.slice(0, TIMELINE_TEXT)}...` : group.text;
    return `${prefix}${groupTime(timeline, group).padEnd(20)} ${group.by.padEnd(7)} ${group.code ? `${group.code}: ` : ''}${text}`;
  });
  if (shown.length < groups.length) lines.push(`${prefix}(${groups.length - shown.length} more kinds of event in the JSON report)`);
  return lines.join('\n');
}

/** One table for all families, so the stack columns line up down the whole matrix. */
export function renderTable(report: MatrixReport, options: { color: boolean }): string {
  const paint = painter(options.color);
  const grid = columns(report);
  // Δ: the outcome or cause changed between releases (only when several are compared).
  const marks = report.variants.length > 1 ? ['≠', 'Δ'] : ['≠'];
  const table = new Table({
    head: ['scenario', ...grid.map((column) => column.title), ...marks].map((title) => paint('bold', title)),
    // cli-table3 colours head and borders itself through @colors, which ignores options.color.
    style: { head: [], border: [] },
  });
  for (const [family, scenarios] of groupByFamily(report)) {
    table.push([{ colSpan: grid.length + 1 + marks.length, content: paint(['bold', 'cyan'], family) }]);
    for (const scenario of scenarios) {
      const cells = grid.map((column) => cellText(cellAt(scenario, column), paint));
      const changed = scenario.versionChanges.length > 0 ? paint('blue', 'Δ') : '';
      table.push([scenario.scenario, ...cells, isDivergent(scenario) ? paint('magenta', '≠') : '', ...(marks.length > 1 ? [changed] : [])]);
    }
  }
  return table.toString();
}

/** Indent every line of a possibly multi-line text, so it stays under its list item. */
function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** The numbers first, then the items a reader must look at: divergences and failing cells. */
export function renderSummary(report: MatrixReport): string {
  const s = report.summary;
  const several = report.variants.length > 1;
  const lines = [
    ...(several ? [`releases: ${report.variants.map(versionsLabel).join(', ')}`] : []),
    `${s.cells} cells: ${s.passed} passed, ${s.failed} failed, ${s.divergences} divergences` +
      (several ? `, ${s.versionChanges} changed between releases` : ''),
    `wall ${formatMs(s.wallMs)} (${s.cellsPerSecond.toFixed(1)} cells/s), setup ${formatMs(s.setupMs)}`,
  ];
  const causes = causesSeen(report);
  if (causes.length > 0) {
    lines.push('', 'Causes named (explanation, then fix):');
    for (const cell of causes) lines.push(`  ${cell.diagnosis}: ${cell.explanation}`, `    fix: ${cell.fix}`);
  }
  const divergent = report.scenarios.filter(isDivergent);
  if (divergent.length > 0) {
    lines.push('', 'Divergences (client and worker disagree):');
    for (const scenario of divergent) {
      const on = several ? ` (on ${divergentReleases(scenario).join(', ')})` : '';
      lines.push(`  ${scenario.scenario}${on}: ${scenario.divergence ?? 'not explained by the scenario (unexpected)'}`);
    }
  }
  const changed = report.scenarios.filter((scenario) => scenario.versionChanges.length > 0);
  if (changed.length > 0) {
    lines.push('', 'Changed between releases (Δ):');
    for (const scenario of changed) {
      lines.push(`  ${scenario.scenario}`, ...scenario.versionChanges.map((change) => `    ${describeChange(change)}`));
    }
  }
  const held = report.scenarios.flatMap((scenario) => scenario.cells).filter((cell) => cell.timeline && (cell.diagnosis || cell.findings.length > 0 || !cell.passed));
  if (held.length > 0) {
    lines.push('', 'Timelines (seconds since the stack began to connect; every event in the JSON report):');
    for (const cell of held) {
      const at = cell.stage ? ` at the ${cell.stage}` : '';
      lines.push(`  ${cellName(cell, report)}: ${actualLabel(cell)}${at}${cell.findings.length > 0 ? ` ${findingsLabel(cell.findings)}` : ''}${cell.detail ? ` (${cell.detail})` : ''}`);
      lines.push(renderTimeline(cell.timeline!, '    '));
    }
  }
  const failing = report.scenarios.flatMap((scenario) => scenario.cells).filter((cell) => !cell.passed);
  if (failing.length > 0) {
    lines.push('', 'Not as expected:');
    for (const cell of failing) {
      lines.push(`  ${cellName(cell, report)}: expected ${expectedLabel(cell)}${expectedFindingsNote(cell) ? ` ${findingsLabel(cell.expectedFindings)}` : ''}, got ${actualLabel(cell)}${cell.findings.length > 0 ? ` ${findingsLabel(cell.findings)}` : ''}`);
      if (cell.error !== null) lines.push(indent(cell.error, '    '));
    }
  }
  if (report.notApplied.length > 0) {
    lines.push('', 'Not applied:');
    for (const { scenario, reason } of report.notApplied) lines.push(`  ${scenario}: ${reason}`);
  }
  return lines.join('\n');
}

function divergentReleases(scenario: ScenarioResult): string[] {
  return [...new Set(scenario.cells.filter((cell) => cell.divergent).map(versionsLabel))];
}

/** One cell per diagnosis code that occurred, in order of first appearance. */
function causesSeen(report: MatrixReport) {
  const seen = new Map<string, CellResult>();
  for (const cell of report.scenarios.flatMap((scenario) => scenario.cells)) {
    // Keyed by the fix too: some causes have a fix of their own per stack (TRUST_STORE_NOT_READ).
    const key = `${cell.diagnosis} ${cell.fix}`;
    if (cell.diagnosis && !seen.has(key)) seen.set(key, cell);
  }
  return [...seen.values()];
}

/** One line, redrawn as cells finish: how far the run is and whether anything went wrong yet. */
export function renderProgress(done: number, total: number, failed: number): string {
  const width = String(total).length;
  return `[${String(done).padStart(width)}/${total}] ${failed} ${failed === 1 ? 'mismatch' : 'mismatches'}`;
}

/**
 * Whether to colour output to this stream. FORCE_COLOR wins over NO_COLOR, as in Node itself
 * (FORCE_COLOR=0 or false turns colour off); NO_COLOR counts only when non-empty (no-color.org);
 * otherwise colour only a terminal, never a pipe or a file.
 */
export function useColor(stream: NodeJS.WriteStream): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (process.env.NO_COLOR) return false;
  return stream.isTTY === true;
}
