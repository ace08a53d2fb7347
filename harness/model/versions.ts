/** Which SDK and Node releases a cell ran on, and how a range of them is written (see versions/ranges.ts). */
export interface Versions {
  /** The @temporalio/client and @temporalio/worker release. */
  sdk: string;
  /** The Node release the stacks ran on. */
  node: string;
}

export type VersionAxis = keyof Versions;
export type VersionRange = `${VersionAxis} ${string}`;
