/** The activity the scenario workflow calls, so a passing cell proves activities run too. */
export async function composeGreeting(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

/** A payload of `bytes` characters, for the scenarios about size limits (family lifetime). */
export async function makePayload(bytes: number): Promise<string> {
  return 'x'.repeat(bytes);
}
