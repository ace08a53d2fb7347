#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package needs no build step.
require('tsx/cjs');
require('../harness/cli.ts').runCli();
