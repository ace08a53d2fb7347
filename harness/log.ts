/** Progress lines for humans go to stderr, so stdout stays clean for tables and JSON. */
export function log(message: string): void {
  if (process.env.TLS_HARNESS_QUIET !== '1') process.stderr.write(`[harness] ${message}\n`);
}

const PROGRESS_EVERY_MS = 30_000;

/** Await a long step, saying every 30 s how long it has run, so a first run never looks hung. */
export async function withElapsedTime<T>(what: string, step: Promise<T>): Promise<T> {
  const began = Date.now();
  const timer = setInterval(() => log(`${what}: ${Math.round((Date.now() - began) / 1000)} s so far`), PROGRESS_EVERY_MS);
  try {
    return await step;
  } finally {
    clearInterval(timer);
  }
}
