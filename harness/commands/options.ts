/**
 * Option parsers shared by the command definitions. Like the definitions themselves, this file
 * may import nothing heavier than commander and ../errors: `--help` loads it.
 */
import { HarnessError } from '../errors';
import { parseNodeMajor, type NodeMajor } from '../versions/node-majors';

/** For repeatable options; no default, so that help shows none. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new HarnessError(`"${value}" is not a positive whole number`);
  return parsed;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HarnessError(`--port "${value}" is not a port number (1-65535)`);
  return port;
}

/** `--node 24`, repeatable. */
export const collectNodeMajor = (value: string, previous: NodeMajor[] = []) => [...previous, parseNodeMajor(value)];
