/** What `validate` does when it runs: the library's validate, printed as text or JSON. */
import { renderReport } from '../validate/report';
import { toJson, validate, type ValidateOptions } from '../validate/validate';

export interface ValidateFlags extends ValidateOptions {
  json?: boolean;
}

export async function validateAction(flags: ValidateFlags): Promise<void> {
  const { json, ...options } = flags;
  const report = await validate(options);
  process.stdout.write(json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderReport(report));
  process.exitCode = report.ok ? 0 : 1;
}
