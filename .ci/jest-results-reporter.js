// A jest reporter for .ci/run: `npm test` makes two jest runs (the suite, then the concurrent-runs
// test alone), and `--json --outputFile` given to npm test would reach only the last. Each run
// writes its aggregated results (the object `--json` prints) to $JEST_RESULTS_DIR/<name>.json.
const fs = require('node:fs');
const path = require('node:path');

class JestResultsReporter {
  constructor(_globalConfig, options) {
    this.file = path.join(process.env.JEST_RESULTS_DIR, `${options.name}.json`);
  }

  onRunComplete(_contexts, results) {
    fs.writeFileSync(this.file, JSON.stringify(results));
  }
}

module.exports = JestResultsReporter;
