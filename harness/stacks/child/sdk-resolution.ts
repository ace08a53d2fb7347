/**
 * Loading another SDK release in a child process: every `@temporalio/*` request is resolved from
 * a folder's node_modules instead of the harness's own (see versions/sdk.ts for those folders).
 */
import Module from 'node:module';

/** Resolve every `@temporalio/*` request from `folder`'s node_modules instead of the harness's. */
export function resolveSdkFrom(folder: string): void {
  type Resolve = (request: string, parent: unknown, isMain: unknown, options?: object) => string;
  const loader = Module as unknown as { _resolveFilename: Resolve };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    if (!request.startsWith('@temporalio/')) return resolve.call(this, request, parent, isMain, options);
    return resolve.call(this, request, parent, isMain, { ...options, paths: [folder] });
  };
}
