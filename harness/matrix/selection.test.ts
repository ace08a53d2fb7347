import { SCENARIOS } from '../../scenarios';
import { cellTestName, scenariosSelectedBy } from './selection';

const names = (pattern?: string) => scenariosSelectedBy(SCENARIOS, pattern).map(({ name }) => name);

test('no pattern: every scenario', () => {
  expect(names()).toHaveLength(SCENARIOS.length);
});

test('a family prefix selects that family alone', () => {
  const baseline = SCENARIOS.filter(({ family }) => family === 'baseline').map(({ name }) => name);
  expect(names('^baseline ')).toEqual(baseline);
});

test('one cell by its full test name, as jest matches it (a regular expression, any case)', () => {
  expect(names('^BASELINE tls \\[client\\]$')).toEqual(['tls']);
});

test('a pattern that names no cell keeps every scenario: it selects the other e2e tests', () => {
  expect(names('live, through both SDK stacks')).toHaveLength(SCENARIOS.length);
});

test('the names match what matrix.test.ts declares', () => {
  const tls = SCENARIOS.find(({ name }) => name === 'tls')!;
  expect(cellTestName(tls, 'worker')).toBe('baseline tls [worker]');
});
