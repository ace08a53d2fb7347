/**
 * An error whose message is already the one line a user should read: what is wrong and what to
 * do. The CLI prints it without a stack trace and exits non-zero.
 */
export class HarnessError extends Error {
  override readonly name: string = 'HarnessError';
}
