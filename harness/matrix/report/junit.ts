/**
 * The matrix as JUnit XML, so CI systems show each cell as a test: a suite per family, a test
 * case per scenario and stack, a failure when the cell did not do what the scenario expects.
 */
import type { CellResult, MatrixReport, ScenarioResult } from '../results';
import { describeChange } from '../../versions/changes';
import { versionsLabel } from '../../versions/ranges';
import { actualLabel, cellName, expectedLabel, groupByFamily, renderTimeline } from './table';

/**
 * Characters XML 1.0 cannot carry at all, not even as references (NUL, most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF). Raw TLS errors can contain them; dropping them keeps the file parseable.
 */
const ILLEGAL_IN_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text content: legal characters only, markup characters as entities. */
function text(value: string): string {
  return value.replace(ILLEGAL_IN_XML, '').replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

/** An attribute value: as text, and line breaks and tabs as references, which parsers would otherwise fold to spaces. */
function attr(value: string): string {
  return text(value).replace(/[\t\n\r]/g, (char) => `&#${char.charCodeAt(0)};`);
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function failure(cell: CellResult): string {
  const message = `expected ${expectedLabel(cell)}, got ${actualLabel(cell)}`;
  const body = [
    message,
    cell.error !== null ? `\nerror:\n${cell.error}` : '',
    cell.cause !== null ? `\ncause:\n${cell.cause}` : '',
    cell.timeline ? `\ntimeline:\n${renderTimeline(cell.timeline)}` : '',
  ].join('');
  return `      <failure message="${attr(message)}">${text(body)}</failure>\n`;
}

/** The classifier's reading of the cell, for a reader who opens the test case. */
function systemOut(cell: CellResult, scenario: ScenarioResult): string {
  const lines = [
    `about: ${scenario.about}`,
    cell.diagnosis !== null ? `diagnosis: ${cell.diagnosis}` : null,
    cell.explanation !== null ? `explanation: ${cell.explanation}` : null,
    cell.fix !== null ? `fix: ${cell.fix}` : null,
    cell.detail !== null ? `detail: ${cell.detail}` : null,
    cell.stage ? `stage: ${cell.stage}` : null,
    cell.findings.length > 0 ? `findings: ${cell.findings.join(', ')}` : null,
    scenario.divergence !== null ? `divergence: ${scenario.divergence}` : null,
    ...scenario.versionChanges.filter((change) => change.stack === cell.stack).map((change) => `changed: ${describeChange(change)}`),
  ].filter((line) => line !== null);
  return `      <system-out>${text(lines.join('\n'))}</system-out>\n`;
}

function testcase(cell: CellResult, scenario: ScenarioResult, report: MatrixReport): string {
  const open =
    `    <testcase name="${attr(cellName(cell, report))}"` +
    ` classname="${attr(`temporal-tls-harness.${cell.family}`)}" time="${seconds(cell.ms)}">\n`;
  return `${open}${cell.passed ? '' : failure(cell)}${systemOut(cell, scenario)}    </testcase>\n`;
}

function testsuite(family: string, scenarios: ScenarioResult[], report: MatrixReport): string {
  const cells = scenarios.flatMap((scenario) => scenario.cells);
  const failures = cells.filter((cell) => !cell.passed).length;
  const time = cells.reduce((sum, cell) => sum + cell.ms, 0);
  const properties =
    '    <properties>\n' +
    `      <property name="serverVersion" value="${attr(report.serverVersion)}"/>\n` +
    `      <property name="sdkVersion" value="${attr(report.sdkVersion)}"/>\n` +
    `      <property name="releases" value="${attr(report.variants.map(versionsLabel).join(', '))}"/>\n` +
    '    </properties>\n';
  const cases = scenarios.flatMap((scenario) => scenario.cells.map((cell) => testcase(cell, scenario, report))).join('');
  return (
    `  <testsuite name="${attr(family)}" tests="${cells.length}" failures="${failures}" errors="0" skipped="0"` +
    ` time="${seconds(time)}" timestamp="${attr(report.startedAt)}">\n${properties}${cases}  </testsuite>\n`
  );
}

export function renderJUnit(report: MatrixReport): string {
  const { cells, failed, wallMs } = report.summary;
  const suites = [...groupByFamily(report)].map(([family, scenarios]) => testsuite(family, scenarios, report));
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="temporal-tls-harness" tests="${cells}" failures="${failed}" errors="0" time="${seconds(wallMs)}">\n` +
    `${suites.join('')}</testsuites>\n`
  );
}
