/**
 * Which matrix scenarios a jest run selects with `-t PATTERN`, so that `jest -t '^baseline '`
 * starts the three servers the baseline family needs, not all of them.
 */
import { STACKS } from '../model/stack';
import type { Scenario } from './scenario';

/** The name jest gives a cell's test in matrix.test.ts: `family scenario [stack]`. */
export const cellTestName = (scenario: Scenario, stack: string) => `${scenario.family} ${scenario.name} [${stack}]`;

/**
 * The scenarios with a cell whose test name matches `pattern` (jest matches it as a regular
 * expression, case-insensitively). A pattern that selects no cell names the other e2e tests,
 * which choose their servers themselves: every scenario then stays, so all servers start.
 */
export function scenariosSelectedBy(scenarios: Scenario[], pattern: string | undefined): Scenario[] {
  if (!pattern) return scenarios;
  const matcher = new RegExp(pattern, 'i');
  const selected = scenarios.filter((scenario) => STACKS.some((stack) => matcher.test(cellTestName(scenario, stack))));
  return selected.length > 0 ? selected : scenarios;
}
