/**
 * Builds the workflow bundle with another SDK release, in a child process that resolves
 * `@temporalio/*` from that release's folder (argv[2]); prints the bundle's path.
 */
import { resolveSdkFrom } from '../stacks/child/sdk-resolution';

resolveSdkFrom(process.argv[2]);
const { ensureWorkflowBundle }: typeof import('../stacks/bundle') = require('../stacks/bundle');
ensureWorkflowBundle().then(
  (file) => {
    process.stdout.write(file);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
