import { isIP } from 'node:net';
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

/** `--listen`: an IP address of this machine to publish on (a name would say nothing of which interface). */
export function parseListenAddress(value: string): string {
  const address = value.replace(/^\[(.*)\]$/, '$1');
  if (isIP(address) === 0) throw new HarnessError(`--listen "${value}" is not an IP address (0.0.0.0 for every IPv4 interface, or one of this machine's addresses)`);
  return address;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HarnessError(`--port "${value}" is not a port number (1-65535)`);
  return port;
}

/** `--node 24`, repeatable. */
export const collectNodeMajor = (value: string, previous: NodeMajor[] = []) => [...previous, parseNodeMajor(value)];

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `90s`, `2m`, `1m30s`, `1h`: a duration in milliseconds, at least a second. */
export function parseDuration(value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)([smh])/g)];
  const ms = parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS], 0);
  if (parts.length === 0 || parts.map(([part]) => part).join('') !== value || ms < 1000) {
    throw new HarnessError(`"${value}" is not a duration: write it as 90s, 2m, 1m30s or 1h (at least 1s)`);
  }
  return ms;
}
