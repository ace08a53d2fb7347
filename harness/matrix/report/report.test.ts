/**
 * The report writers against one small matrix that has every kind of cell: ok, failed as
 * expected, divergent, and not as expected with a raw error full of markup characters. The HTML
 * page is checked in a real headless Chromium, since its details view is built by its own script.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../env/chromium';
import { DIAGNOSES, type DiagnosisCode } from '../../diagnosis/codes';
import type { Stack } from '../../model/stack';
import type { CellResult, MatrixReport, ScenarioResult } from '../results';
import { renderHtml } from './html';
import { renderJUnit } from './junit';
import { renderProgress, renderSummary, renderTable, useColor } from './table';

/** The raw error of the one failing cell: markup, an entity, both quotes, a script end and a control character. */
const RAW_ERROR =
  '14 UNAVAILABLE: error:1E08010C:DECODER routines::unsupported <key "client.key" & \'PKCS#1\'>\u0001 </script><b>not bold</b>';

function cell(
  scenario: string,
  family: string,
  stack: Stack,
  expected: 'ok' | DiagnosisCode,
  actual: 'ok' | DiagnosisCode,
  extra: Partial<CellResult> = {},
): CellResult {
  const diagnosis = actual === 'ok' ? null : actual;
  return {
    scenario,
    family,
    stack,
    sdk: '1.24.0',
    node: '20.20.2',
    expected: expected === 'ok' ? 'ok' : 'fail',
    expectedDiagnosis: expected === 'ok' ? null : expected,
    actual: actual === 'ok' ? 'ok' : 'fail',
    diagnosis,
    explanation: diagnosis && DIAGNOSES[diagnosis].explanation,
    fix: diagnosis && DIAGNOSES[diagnosis].fix,
    detail: null,
    error: diagnosis && `14 UNAVAILABLE: ${diagnosis.toLowerCase()} (from the ${stack})`,
    cause: null,
    findings: [],
    expectedFindings: [],
    passed: expected === actual,
    divergent: false,
    ms: stack === 'client' ? 312 : 845,
    ...extra,
  };
}

function scenario(
  name: string,
  family: string,
  about: string,
  expect: { client: 'ok' | DiagnosisCode; worker: 'ok' | DiagnosisCode },
  actual: { client: 'ok' | DiagnosisCode; worker: 'ok' | DiagnosisCode } = expect,
  extra: { divergence?: string; worker?: Partial<CellResult> } = {},
): ScenarioResult {
  // As the runner decides it: the stacks diverge when one succeeds and the other fails.
  const divergent = (actual.client === 'ok') !== (actual.worker === 'ok');
  return {
    scenario: name,
    family,
    about,
    divergence: divergent ? (extra.divergence ?? null) : null,
    versionChanges: [],
    cells: [
      cell(name, family, 'client', expect.client, actual.client, { divergent }),
      cell(name, family, 'worker', expect.worker, actual.worker, { divergent, ...extra.worker }),
    ],
  };
}

const DIVERGENCE = 'OpenSSL (client) still falls back to the CN when there is no SAN; rustls (worker) never looks at the CN.';

const REPORT: MatrixReport = {
  startedAt: '2025-11-29T04:55:00.000Z',
  serverVersion: 'v1.32.1',
  sdkVersion: '1.24.0',
  variants: [{ sdk: '1.24.0', node: '20.20.2' }],
  scenarios: [
    scenario('plaintext', 'baseline', 'No TLS against the plaintext server.', { client: 'ok', worker: 'ok' }),
    scenario('untrusted-ca-system-roots', 'server-cert', 'tls: true with no CA.', {
      client: 'SERVER_CA_UNTRUSTED',
      worker: 'SERVER_CA_UNTRUSTED',
    }),
    scenario(
      'cn-only-no-san',
      'server-cert',
      'The certificate names localhost only in its CN.',
      { client: 'ok', worker: 'SERVER_CERT_NO_SAN' },
      { client: 'ok', worker: 'SERVER_CERT_NO_SAN' },
      { divergence: DIVERGENCE },
    ),
    scenario(
      'key-literal-newlines',
      'pem',
      'The key is PKCS#1 ("BEGIN RSA PRIVATE KEY") & its line breaks are literal \\n.',
      { client: 'KEY_MALFORMED', worker: 'KEY_MALFORMED' },
      { client: 'KEY_MALFORMED', worker: 'UNCLASSIFIED' },
      { worker: { error: RAW_ERROR, cause: 'Caused by: <InvalidData> "unsupported"', detail: 'line 1' } },
    ),
    scenario('key-encrypted', 'pem', 'The key is encrypted with a passphrase.', {
      client: 'KEY_ENCRYPTED',
      worker: 'KEY_ENCRYPTED',
    }),
  ],
  notApplied: [{ scenario: 'user-ca', reason: 'no user CA given' }],
  summary: { cells: 10, passed: 9, failed: 1, divergences: 1, versionChanges: 0, wallMs: 4210, cellsPerSecond: 2.4, setupMs: 12345 },
  timings: { dockerEngineMs: 35, serverImageMs: 1210 },
};

const FAILING = 'key-literal-newlines';
/** Screenshots for a human to judge the page by (the folder is git-ignored). */
const SCRATCH = path.join(__dirname, '../../../.scratch');
const ANSI = /\u001b\[/;

describe('table', () => {
  it('shows every scenario, family and outcome, without colour when told so', () => {
    const table = renderTable(REPORT, { color: false });
    for (const { scenario, family } of REPORT.scenarios) {
      expect(table).toContain(scenario);
      expect(table).toContain(family);
    }
    expect(table).toContain('ok 312ms');
    expect(table).toContain('fail SERVER_CA_UNTRUSTED 845ms');
    expect(table).toContain('fail SERVER_CERT_NO_SAN 845ms');
    expect(table).toContain('fail UNCLASSIFIED 845ms');
    expect(table).toContain('✗ expected KEY_MALFORMED');
    expect(table).toContain('≠');
    expect(table).not.toMatch(ANSI);
  });

  it('colours a mismatch red when colour is on', () => {
    const table = renderTable(REPORT, { color: true });
    expect(table).toMatch(ANSI);
    expect(table).toContain('\u001b[31mfail UNCLASSIFIED 845ms');
  });

  it('summarises numbers, divergences and failing cells', () => {
    const summary = renderSummary(REPORT);
    expect(summary).toContain('10 cells: 9 passed, 1 failed, 1 divergences');
    expect(summary).toContain('wall 4.2s (2.4 cells/s), setup 12.3s');
    expect(summary).toContain(`cn-only-no-san: ${DIVERGENCE}`);
    expect(summary).toContain(`${FAILING} [worker]: expected KEY_MALFORMED, got UNCLASSIFIED`);
    expect(summary).toContain(RAW_ERROR);
    expect(summary).toContain('user-ca: no user CA given');
  });

  it('draws progress with a fixed width', () => {
    expect(renderProgress(3, 126, 0)).toBe('[  3/126] 0 mismatches');
    expect(renderProgress(126, 126, 1)).toBe('[126/126] 1 mismatch');
  });

  describe('useColor', () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
    beforeEach(() => {
      delete process.env.NO_COLOR;
      delete process.env.FORCE_COLOR;
    });
    afterAll(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('colours a terminal and not a pipe', () => {
      expect(useColor(tty)).toBe(true);
      expect(useColor(pipe)).toBe(false);
    });
    it('honours NO_COLOR, and FORCE_COLOR over it', () => {
      process.env.NO_COLOR = '1';
      expect(useColor(tty)).toBe(false);
      process.env.FORCE_COLOR = '1';
      expect(useColor(pipe)).toBe(true);
      process.env.FORCE_COLOR = '0';
      expect(useColor(tty)).toBe(false);
    });
  });
});

describe('junit', () => {
  const xml = renderJUnit(REPORT);
  const count = (pattern: RegExp) => (xml.match(pattern) ?? []).length;

  it('has a suite per family, a test case per cell and a failure per failing cell', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(count(/<testsuite /g)).toBe(3);
    expect(count(/<testcase /g)).toBe(10);
    expect(count(/<failure /g)).toBe(1);
    expect(count(/<\/testcase>/g)).toBe(10);
    expect(xml).toContain(
      `<testcase name="${FAILING} [worker]" classname="temporal-tls-harness.pem" time="0.845">\n` +
        '      <failure message="expected KEY_MALFORMED, got UNCLASSIFIED">',
    );
    expect(xml).toContain(`diagnosis: SERVER_CERT_NO_SAN\nexplanation: ${DIAGNOSES.SERVER_CERT_NO_SAN.explanation}`);
  });

  it('escapes the raw error and drops characters XML cannot carry', () => {
    expect(xml).not.toContain('<key');
    expect(xml).not.toContain('</script>');
    expect(xml).not.toContain('\u0001');
    expect(xml).toContain(
      '&lt;key &quot;client.key&quot; &amp; &apos;PKCS#1&apos;&gt; &lt;/script&gt;&lt;b&gt;not bold&lt;/b&gt;',
    );
    expect(xml).toContain('about: The key is PKCS#1 (&quot;BEGIN RSA PRIVATE KEY&quot;) &amp; its line breaks');
  });
});

describe('a held cell (family lifetime)', () => {
  const cut = (at: number) => ({ at, by: 'nginx', code: 'LONG_POLL_CUT' as const, text: 'nginx ended PollWorkflowTaskQueue after 3.0 s with its own 504 Gateway Timeout page' });
  const timeline = { startedAt: 1000, events: [{ at: 1400, by: 'worker', text: 'the first workflow completed' }, cut(4000), cut(7000), cut(10_000)] };
  const held = scenario('long-poll-cut-by-proxy', 'lifetime', 'A proxy cuts long polls.', { client: 'ok', worker: 'ok' }, undefined, {
    worker: { findings: ['LONG_POLL_CUT'], expectedFindings: ['LONG_POLL_CUT'], timeline },
  });
  const report: MatrixReport = { ...REPORT, scenarios: [held] };

  it('shows what the timeline showed beside the outcome, and the timeline condensed', () => {
    expect(renderTable(report, { color: false })).toContain('+ LONG_POLL_CUT');
    const summary = renderSummary(report);
    expect(summary).toContain('long-poll-cut-by-proxy [worker]: ok + LONG_POLL_CUT');
    expect(summary).toContain('0.4 s                worker  the first workflow completed');
    expect(summary).toContain('3.0-9.0 s ×3         nginx   LONG_POLL_CUT: nginx ended PollWorkflowTaskQueue');
  });

  it('fails a cell whose timeline shows other than expected, and says what was expected', () => {
    const missed = scenario('long-poll-cut-by-proxy', 'lifetime', 'A proxy cuts long polls.', { client: 'ok', worker: 'ok' }, undefined, {
      worker: { findings: [], expectedFindings: ['LONG_POLL_CUT'], passed: false, timeline },
    });
    expect(renderTable({ ...REPORT, scenarios: [missed] }, { color: false })).toContain('✗ expected ok + LONG_POLL_CUT');
  });

  it('carries the timeline into JUnit', () => {
    const xml = renderJUnit(report);
    expect(xml).toContain('findings: LONG_POLL_CUT');
  });
});

describe('html in headless Chromium', () => {
  const html = renderHtml(REPORT);
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  // Long enough for ensureChromium to apt-get install Chromium on a fresh machine.
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: await ensureChromium(), args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.setContent(html);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the summary, the grid and the details of a failing cell', async () => {
    const summary = page.getByTestId('summary');
    expect(await summary.isVisible()).toBe(true);
    expect(await page.getByTestId('summary-cells').textContent()).toBe('10');
    expect(await page.getByTestId('summary-passed').textContent()).toBe('9');
    expect(await page.getByTestId('summary-failed').textContent()).toBe('1');
    expect(await page.getByTestId('summary-divergences').textContent()).toBe('1');

    expect(await page.locator('[data-testid^="cell-"]').count()).toBe(2 * REPORT.scenarios.length);
    expect(await page.locator('tr.divergent').count()).toBe(1);

    const failing = page.getByTestId(`cell-${FAILING}-worker`);
    expect(await failing.getAttribute('class')).toContain('mismatch');
    const [red, green, blue] = (await failing.evaluate((el) => getComputedStyle(el).backgroundColor))
      .match(/\d+/g)!
      .map(Number);
    expect(red).toBeGreaterThan(green + 30);
    expect(red).toBeGreaterThan(blue + 30);
    expect(await page.getByTestId('cell-plaintext-client').getAttribute('class')).toContain(' ok');

    await mkdir(SCRATCH, { recursive: true });
    await page.screenshot({ path: path.join(SCRATCH, 'report.png'), fullPage: true });

    const details = page.getByTestId('details');
    expect(await details.isVisible()).toBe(false);
    await failing.click();
    expect(await details.isVisible()).toBe(true);
    expect(await details.locator('pre.error').textContent()).toBe(RAW_ERROR);
    expect(await details.locator('pre.cause').textContent()).toBe('Caused by: <InvalidData> "unsupported"');
    expect(await details.textContent()).toContain(REPORT.scenarios[3].about);
    // The markup in the error stayed text: nothing from it became an element.
    expect(await page.locator('b', { hasText: 'not bold' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCRATCH, 'report-details.png') });

    await details.locator('pre.error').click();
    expect(await details.isVisible()).toBe(true);
    await page.mouse.click(5, 5); // the backdrop
    expect(await details.isVisible()).toBe(false);
    await page.getByTestId('cell-cn-only-no-san-worker').click();
    expect(await details.textContent()).toContain(DIVERGENCE);
    expect(await details.textContent()).toContain(DIAGNOSES.SERVER_CERT_NO_SAN.fix);

    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('renders JUnit that an XML parser accepts', async () => {
    const xml = renderJUnit(REPORT);
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'application/xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        cases: doc.querySelectorAll('testcase').length,
        failureText: doc.querySelector('failure')?.textContent ?? '',
      };
    }, xml);
    expect(parsed.error).toBeNull();
    expect(parsed.cases).toBe(10);
    expect(parsed.failureText).toContain(RAW_ERROR.replace('\u0001', ''));
  }, 60_000);
});
