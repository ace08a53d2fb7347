/**
 * Which SDK and Node releases a cell ran on, and the version ranges scenarios and classifier
 * rules are limited to. A range is written `sdk <range>` or `node <range>` in semver's syntax,
 * e.g. `sdk <1.11.5` or `node >=24`.
 */
import semver from 'semver';
import type { Expectation, VersionedExpectation } from '../model/expectation';
import type { VersionAxis, VersionRange, Versions } from '../model/versions';

/** The harness's own SDK and the Node running it: what an in-process cell runs on. */
export function ownVersions(): Versions {
  return { sdk: require('@temporalio/client/package.json').version, node: process.versions.node };
}

export function parseRange(range: string): { axis: VersionAxis; range: string } {
  const match = /^(sdk|node) (.+)$/.exec(range);
  if (!match || semver.validRange(match[2]) === null) {
    throw new Error(`"${range}" is not a version range: write "sdk <range>" or "node <range>" (semver), e.g. "sdk <1.11.5"`);
  }
  return { axis: match[1] as VersionAxis, range: match[2] };
}

export function inRange(versions: Versions, range: string): boolean {
  const parsed = parseRange(range);
  return semver.satisfies(versions[parsed.axis], parsed.range, { includePrerelease: true });
}

/** What a stack is expected to do on these releases. */
export function expectationFor(expectation: Expectation | VersionedExpectation, versions: Versions): Expectation {
  if (typeof expectation === 'string') return expectation;
  const ranges = Object.keys(expectation).filter((key) => key !== 'default') as VersionRange[];
  const hit = ranges.find((range) => inRange(versions, range));
  return hit ? expectation[hit] : expectation.default;
}

/** Every release a versioned expectation names, so its ranges can be checked once (scenario tests). */
export function rangesOf(expectation: Expectation | VersionedExpectation): string[] {
  return typeof expectation === 'string' ? [] : Object.keys(expectation).filter((key) => key !== 'default');
}

/** How releases read in reports: `sdk 1.11.5 · node 20.20.2`. */
export function versionsLabel(versions: Versions): string {
  return `sdk ${versions.sdk} · node ${versions.node}`;
}

/** Oldest first: by SDK, then by Node. */
export function compareVersions(a: Versions, b: Versions): number {
  return semver.compare(a.sdk, b.sdk) || semver.compare(a.node, b.node);
}

export const sameVersions = (a: Versions, b: Versions): boolean => a.sdk === b.sdk && a.node === b.node;
