/** What `validate` does when it runs: the library's validate, printed as text or JSON; with `--hold`, then the hold. */
import { HarnessError } from '../errors';
import { onCleanup } from '../cleanup';
import { renderReport } from '../validate/report';
import { toJson, validate, type ValidateOptions } from '../validate/validate';

export interface ValidateFlags extends ValidateOptions {
  json?: boolean;
  /** Hold a client and a worker connected this long (milliseconds), after the probes. */
  hold?: number;
}

export async function validateAction(flags: ValidateFlags): Promise<void> {
  const { json, hold, ...options } = flags;
  if (hold !== undefined && options.offline) throw new HarnessError('--hold needs the network: leave out --offline');
  if (hold !== undefined && (options.sdk?.length || options.node?.length)) {
    throw new HarnessError("--hold runs on the harness's own SDK and Node: leave out --sdk and --node");
  }
  const report = await validate(options);
  if (hold === undefined || !report.ok) {
    process.stdout.write(json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderReport(report));
    if (hold !== undefined && !json) process.stdout.write('--hold skipped: the connection does not work yet; fix what is above first\n');
    process.exitCode = report.ok ? 0 : 1;
    return;
  }
  if (!json) process.stdout.write(renderReport(report));
  const summary = await runHold(report.target, hold, json === true);
  if (json) process.stdout.write(`${JSON.stringify({ ...toJson(report), hold: summary }, null, 2)}\n`);
  process.exitCode = summary.ok ? 0 : 1;
}

/** The hold, printed as it goes (text) or at its end (JSON); Ctrl-C prints the summary so far. */
async function runHold(target: Awaited<ReturnType<typeof validate>>['target'], durationMs: number, json: boolean) {
  const { holdConnection, soFar } = await import('../validate/hold');
  const { clock, holdJson, HoldPrinter, renderHoldSummary } = await import('../validate/hold-report');
  const { codeOf } = await import('../diagnosis/timeline');
  const { contextOf } = await import('../validate/probe');
  const startedAt = Date.now();
  const out = process.stderr;
  out.write(
    `\nholding for ${clock(durationMs)}: a client and a worker connected to ${target.address}, namespace ${target.namespace}, ` +
      'each on a task queue of its own (temporal-tls-harness-hold-*); it starts workflows there, which needs the rights to start ' +
      'workflows and to poll. Ctrl-C ends it early with the summary so far.\n',
  );
  const printer = new HoldPrinter(out, startedAt, durationMs, (event) => codeOf(event, { ...contextOf('worker', target), at: event.at }));
  const forget = onCleanup(async () => {
    printer.stop();
    const interrupted = { address: target.address, durationMs, interrupted: true, timeline: soFar(printer.seen, startedAt, target) };
    process.stdout.write(json ? `${JSON.stringify({ hold: holdJson(interrupted) }, null, 2)}\n` : `\n${renderHoldSummary(interrupted)}`);
  });
  try {
    const held = await holdConnection(target, { durationMs, onEvent: (event) => json || printer.event(event) });
    printer.stop();
    const summary = { address: target.address, durationMs, interrupted: false, timeline: held.timeline, stacks: held.stacks };
    if (!json) process.stdout.write(`\n${renderHoldSummary(summary)}`);
    return holdJson(summary, held);
  } finally {
    forget();
    printer.stop();
  }
}
