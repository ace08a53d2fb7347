/** Jest global teardown: stop the servers and remove the minted PKI. */
import type { MatrixEnvironment } from '../matrix/environment';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { harnessEnvironment?: MatrixEnvironment }).harnessEnvironment?.stop();
}
