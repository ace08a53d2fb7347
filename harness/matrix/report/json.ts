/** The JSON report: run metadata, the summary, and one flat entry per cell. */
import type { MatrixReport } from '../results';

export function toJsonReport(report: MatrixReport) {
  const { scenarios, ...meta } = report;
  return {
    ...meta,
    cells: scenarios.flatMap((scenario) =>
      scenario.cells.map((cell) => ({ ...cell, about: scenario.about, divergence: scenario.divergence })),
    ),
  };
}
