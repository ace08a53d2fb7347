/** Progress lines for humans go to stderr, so stdout stays clean for tables and JSON. */
export function log(message: string): void {
  if (process.env.TLS_HARNESS_QUIET !== '1') process.stderr.write(`[harness] ${message}\n`);
}
