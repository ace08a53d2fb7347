/**
 * The JSON report: run metadata, the summary, and one flat entry per cell. Its shape is versioned
 * (`schemaVersion`) and described by schema/matrix-report.schema.json, shipped in the package;
 * a change that a reader of the last version would misread takes the next version.
 */
import type { MatrixReport } from '../results';

export const REPORT_SCHEMA_VERSION = 1;

export function toJsonReport(report: MatrixReport) {
  const { scenarios, ...meta } = report;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    ...meta,
    cells: scenarios.flatMap((scenario) =>
      scenario.cells.map((cell) => ({ ...cell, about: scenario.about, divergence: scenario.divergence })),
    ),
  };
}

export type MatrixJsonReport = ReturnType<typeof toJsonReport>;
