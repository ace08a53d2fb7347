/** What a scenario expects of a stack, possibly per release. */
import type { DiagnosisCode } from '../diagnosis/codes';
import type { VersionRange } from './versions';

/** `ok`, or the diagnosis the failure must get. */
export type Expectation = 'ok' | DiagnosisCode;

/**
 * An expectation that depends on the release: the first range that holds wins, else `default`.
 * Object keys keep their order, so ranges are written from the most specific to the widest.
 */
export type VersionedExpectation = { default: Expectation } & { [range: VersionRange]: Expectation };
