/** The Node majors stacks can run on; light enough for the CLI's option parsing (`--help` loads it). */
import { HarnessError } from '../errors';

export const NODE_MAJORS = [20, 22, 24, 25, 26] as const;
export type NodeMajor = (typeof NODE_MAJORS)[number];

export function parseNodeMajor(value: string): NodeMajor {
  const major = Number(value);
  if (!(NODE_MAJORS as readonly number[]).includes(major)) {
    throw new HarnessError(`--node "${value}" is not a Node release the harness runs stacks on: give ${NODE_MAJORS.join(', ')} (a major version)`);
  }
  return major as NodeMajor;
}
