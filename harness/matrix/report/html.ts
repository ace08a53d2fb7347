/**
 * The matrix as one self-contained HTML page, to attach to a CI run or send to someone: the grid
 * shows at a glance which cells are not as expected, and a click on a cell shows why (diagnosis,
 * fix, raw error). No external resources, so it opens the same offline and from an artifact store.
 *
 * The grid is rendered here, so it reads without JavaScript; the details dialog is filled by the
 * inline script from the scenario results embedded as JSON, through textContent, so raw errors show as text.
 */
import type { CellResult, MatrixReport, ScenarioResult } from '../results';
import { describeChange } from '../../versions/changes';
import { versionsLabel } from '../../versions/ranges';
import { actualLabel, cellAt, columns, expectedLabel, formatMs, groupByFamily, isDivergent, renderTimeline, verdict, type Column } from './table';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in text and in quoted attribute values alike. */
function esc(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

/**
 * JSON inside <script> ends at the first `</script`, and `<!--` there changes how the parser
 * reads on; writing every `<` as \u003c (still valid JSON for the same string) rules out both.
 */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const VERDICT_TITLE = { ok: 'ok, as expected', 'expected-fail': 'failed, as expected', mismatch: 'not as expected' };

/** `cell-<scenario>-<stack>`, and the releases when several are compared. */
function cellTestId(cell: CellResult, several: boolean): string {
  return `cell-${cell.scenario}-${cell.stack}${several ? `-${cell.sdk}-${cell.node}` : ''}`;
}

function cellButton(cell: CellResult, several: boolean): string {
  const v = verdict(cell);
  const expected = cell.passed ? '' : `<span class="expected">expected ${esc(expectedLabel(cell))}</span>`;
  return (
    `<button type="button" class="cell ${v}" data-testid="${esc(cellTestId(cell, several))}"` +
    ` data-scenario="${esc(cell.scenario)}" data-stack="${cell.stack}" data-sdk="${esc(cell.sdk)}" data-node="${esc(cell.node)}" title="${VERDICT_TITLE[v]}: show details">` +
    `<span class="code">${esc(actualLabel(cell))}</span><span class="ms">${formatMs(cell.ms)}</span>${expected}</button>`
  );
}

function scenarioRow(scenario: ScenarioResult, grid: Column[]): string {
  const divergent = isDivergent(scenario);
  const changes = scenario.versionChanges.map(describeChange).join('; ');
  const badge =
    (divergent ? ' <span class="badge" title="client and worker disagree">≠</span>' : '') +
    (changes ? ` <span class="badge changed" title="${esc(`changed between releases: ${changes}`)}">Δ</span>` : '');
  const several = grid.length > 2;
  const cells = grid
    .map((column) => {
      const cell = cellAt(scenario, column);
      return `<td>${cell ? cellButton(cell, several) : '<span class="missing">not run</span>'}</td>`;
    })
    .join('');
  return (
    `<tr class="scenario${divergent ? ' divergent' : ''}">` +
    `<th scope="row" title="${esc(scenario.about)}"><span class="name">${esc(scenario.scenario)}</span>${badge}</th>` +
    `${cells}</tr>`
  );
}

function grid(report: MatrixReport): string {
  const all = columns(report);
  const title = (column: Column) => column.title.split('\n').map(esc).join('<br><span class="releases">') + (column.title.includes('\n') ? '</span>' : '');
  const head = `<thead><tr><th scope="col">scenario</th>${all.map((column) => `<th scope="col">${title(column)}</th>`).join('')}</tr></thead>`;
  const bodies = [...groupByFamily(report)].map(
    ([family, scenarios]) =>
      `<tbody><tr class="family"><th colspan="${all.length + 1}" scope="colgroup">${esc(family)}` +
      ` <span class="count">${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}</span></th></tr>` +
      `${scenarios.map((scenario) => scenarioRow(scenario, all)).join('')}</tbody>`,
  );
  return `<table class="grid">${head}${bodies.join('')}</table>`;
}

/** The scenarios with each cell's wording precomputed, so the page script does not repeat it. */
function detailsData(report: MatrixReport) {
  return report.scenarios.map((scenario) => ({
    ...scenario,
    changeLines: scenario.versionChanges.map(describeChange),
    cells: scenario.cells.map(({ timeline, ...cell }) => ({
      ...cell,
      // Condensed: the JSON report has every event; this page stays light.
      timelineText: timeline ? renderTimeline(timeline) : null,
      findingsText: cell.findings.length > 0 ? cell.findings.join(', ') : null,
      verdict: verdict(cell),
      verdictTitle: VERDICT_TITLE[verdict(cell)],
      expectedLabel: expectedLabel(cell),
      actualLabel: actualLabel(cell),
    })),
  }));
}

function summary(report: MatrixReport): string {
  const s = report.summary;
  const stats: [key: string, label: string, value: string, alert: boolean][] = [
    ['cells', 'cells', String(s.cells), false],
    ['passed', 'passed', String(s.passed), false],
    ['failed', 'not as expected', String(s.failed), s.failed > 0],
    ['divergences', 'divergences', String(s.divergences), false],
    ...(report.variants.length > 1 ? [['changes', 'changed between releases', String(s.versionChanges), false] as [string, string, string, boolean]] : []),
    ['wall', 'wall time', formatMs(s.wallMs), false],
    ['rate', 'cells/s', s.cellsPerSecond.toFixed(1), false],
    ['setup', 'setup', formatMs(s.setupMs), false],
  ];
  const tiles = stats.map(
    ([key, label, value, alert]) =>
      `<div class="stat${alert ? ' alert' : ''}"><dt>${label}</dt><dd data-testid="summary-${key}">${esc(value)}</dd></div>`,
  );
  return `<dl class="summary" data-testid="summary">${tiles.join('')}</dl>`;
}

function notApplied(report: MatrixReport): string {
  if (report.notApplied.length === 0) return '';
  const items = report.notApplied.map(({ scenario, reason }) => `<li><b>${esc(scenario)}</b>: ${esc(reason)}</li>`);
  return `<section class="not-applied"><h2>Not applied</h2><ul>${items.join('')}</ul></section>`;
}

const CSS = `
:root { color-scheme: light; --ok: #1a7f37; --ok-bg: #dafbe1; --amber: #8a5a00; --amber-bg: #fff0c2;
  --red: #b3122a; --red-bg: #ffd8d6; --purple: #7a3fd1; --line: #d8dee4; --muted: #59636e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
header, main { max-width: 1040px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 12px; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 96px; }
.stat dt { color: var(--muted); font-size: 12px; }
.stat dd { margin: 0; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat.alert { border-color: var(--red); background: var(--red-bg); }
.stat.alert dd { color: var(--red); }
.legend { display: flex; flex-wrap: wrap; gap: 16px; list-style: none; padding: 0; margin: 0 0 16px; color: var(--muted); }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; border: 1px solid; }
.legend .ok { background: var(--ok-bg); border-color: var(--ok); }
.legend .expected-fail { background: var(--amber-bg); border-color: var(--amber); }
.legend .mismatch { background: var(--red-bg); border-color: var(--red); }
.legend .badge { margin-right: 6px; }
.badge.changed { background: #0b5cad; }
th .releases { font-weight: 400; font-size: 11px; color: var(--muted); }
.grid { width: 100%; border-collapse: separate; border-spacing: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; margin-bottom: 24px; }
.grid th, .grid td { padding: 4px 8px; text-align: left; border-bottom: 1px solid var(--line); }
.grid thead th { background: #eef1f4; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.grid thead th:not(:first-child) { width: 32%; }
.grid tr.family th { background: #f6f8fa; padding-top: 10px; font-size: 15px; }
.grid .count { color: var(--muted); font-weight: normal; font-size: 12px; margin-left: 6px; }
.grid tr.scenario th { font-weight: normal; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; border-left: 4px solid transparent; }
.grid tr.divergent > * { background: #f5f0ff; }
.grid tr.divergent th { border-left-color: var(--purple); }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; background: var(--purple); color: #fff; font-weight: 700; font-family: system-ui, sans-serif; }
.cell { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 8px; width: 100%; padding: 5px 10px; border: 1px solid; border-radius: 6px; cursor: pointer; font: inherit; text-align: left; }
.cell:hover { filter: brightness(0.96); }
.cell:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
.cell.ok { background: var(--ok-bg); border-color: #8ddb9f; color: var(--ok); }
.cell.expected-fail { background: var(--amber-bg); border-color: #e8c55b; color: var(--amber); }
.cell.mismatch { background: var(--red-bg); border-color: var(--red); color: var(--red); font-weight: 600; }
.cell .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; flex: 1; overflow-wrap: anywhere; }
.cell .ms { font-size: 12px; opacity: .8; font-variant-numeric: tabular-nums; }
.cell .expected { flex-basis: 100%; font-size: 12px; }
.missing { color: var(--muted); }
.not-applied { margin-bottom: 32px; }
.not-applied h2 { font-size: 16px; }
dialog { width: min(860px, calc(100vw - 32px)); max-height: calc(100vh - 48px); border: 1px solid var(--line); border-radius: 10px; padding: 0; box-shadow: 0 12px 40px rgba(0,0,0,.25); }
/* The padding sits on .body, so a click inside the dialog never lands on the dialog itself (see the script). */
dialog .body { padding: 20px 24px; }
dialog::backdrop { background: rgba(31,35,40,.45); }
dialog h2 { margin: 0 32px 4px 0; font-size: 18px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
dialog h3 { font-size: 13px; margin: 16px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
dialog .close { position: absolute; top: 12px; right: 14px; border: 0; background: none; font-size: 22px; line-height: 1; cursor: pointer; color: var(--muted); }
dialog .verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid; }
dialog .verdict.ok { background: var(--ok-bg); color: var(--ok); }
dialog .verdict.expected-fail { background: var(--amber-bg); color: var(--amber); }
dialog .verdict.mismatch { background: var(--red-bg); color: var(--red); }
dialog dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0 0; }
dialog dt { color: var(--muted); }
dialog dd { margin: 0; }
dialog .divergence { margin-top: 12px; padding: 8px 12px; border-left: 4px solid var(--purple); background: #f5f0ff; }
dialog pre { margin: 0; padding: 10px 12px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; max-height: 240px; overflow: auto; }
`;

/** Runs in the browser as written (nothing transpiles it); free of backticks and ${, as it sits in a template literal. */
const SCRIPT = `
(function () {
  var scenarios = JSON.parse(document.getElementById('matrix-data').textContent);
  var dialog = document.querySelector('[data-testid="details"]');
  var body = dialog.querySelector('.body');

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(data) {
    var scenario = scenarios.find(function (s) { return s.scenario === data.scenario; });
    var cell = scenario.cells.find(function (c) { return c.stack === data.stack && c.sdk === data.sdk && c.node === data.node; });
    body.replaceChildren();
    body.append(el('h2', '', cell.scenario + ' [' + cell.stack + ']'));
    body.append(el('span', 'verdict ' + cell.verdict, cell.verdictTitle));
    body.append(el('p', 'about', scenario.about));
    var fields = el('dl');
    [
      ['family', cell.family],
      ['releases', 'sdk ' + cell.sdk + ' · node ' + cell.node],
      ['expected', cell.expectedLabel],
      ['actual', cell.actualLabel],
      ['time', Math.round(cell.ms) + ' ms'],
      ['explanation', cell.explanation],
      ['fix', cell.fix],
      ['detail', cell.detail],
      ['stage', cell.stage === undefined ? null : cell.stage],
      ['findings', cell.findingsText]
    ].forEach(function (field) {
      if (field[1] === null) return;
      fields.append(el('dt', '', field[0]), el('dd', '', field[1]));
    });
    body.append(fields);
    if (scenario.divergence !== null) body.append(el('p', 'divergence', 'Divergence: ' + scenario.divergence));
    scenario.changeLines.forEach(function (line) { body.append(el('p', 'divergence changed', 'Changed between releases: ' + line)); });
    [['error', cell.error], ['cause', cell.cause], ['timeline', cell.timelineText]].forEach(function (raw) {
      if (raw[1] === null) return;
      body.append(el('h3', '', raw[0]), el('pre', raw[0], raw[1]));
    });
    dialog.showModal();
  }

  document.querySelector('.grid').addEventListener('click', function (event) {
    var button = event.target.closest('button.cell');
    if (button) show(button.dataset);
  });
  // A click on the backdrop lands on the dialog element itself (its content fills it edge to edge).
  dialog.addEventListener('click', function (event) { if (event.target === dialog) dialog.close(); });
})();
`;

export function renderHtml(report: MatrixReport): string {
  const title = `Temporal TLS matrix — ${report.startedAt}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Temporal TLS matrix</h1>
<p class="meta">server ${esc(report.serverVersion)} · ${esc(report.variants.map(versionsLabel).join(', '))} · started ${esc(report.startedAt)}</p>
${summary(report)}
<ul class="legend">
<li><i class="ok"></i>ok, as expected</li>
<li><i class="expected-fail"></i>failed, as expected</li>
<li><i class="mismatch"></i>not as expected</li>
<li><span class="badge">≠</span>client and worker disagree</li>
${report.variants.length > 1 ? '<li><span class="badge changed">Δ</span>changed between releases</li>' : ''}
</ul>
</header>
<main>
${grid(report)}
${notApplied(report)}
</main>
<dialog data-testid="details" aria-label="cell details">
<form method="dialog"><button class="close" aria-label="close">×</button></form>
<div class="body"></div>
</dialog>
<script type="application/json" id="matrix-data">${scriptJson(detailsData(report))}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
