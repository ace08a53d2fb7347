/** The activity the scenario workflow calls, so a passing cell proves activities run too. */
export async function composeGreeting(name: string): Promise<string> {
  return `Hello, ${name}!`;
}
