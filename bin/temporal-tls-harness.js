#!/usr/bin/env node
// Runs the compiled CLI. In a clone, `npm run build` makes dist/ (the published package has it).
let cli;
try {
  cli = require('../dist/harness/cli.js');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('dist/harness/cli.js')) throw error;
  process.stderr.write('error: dist/ is missing: run `npm run build` in this clone first\n');
  process.exit(1);
}
cli.runCli();
