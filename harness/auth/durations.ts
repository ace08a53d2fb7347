/** Durations and instants as `api-key` takes them; pure, so command definitions can load it for --help. */
import { HarnessError } from '../errors';

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `10m`, `1h`, `7d`; a leading `-` for the past (an already expired key, to try one). */
export function parseDuration(value: string, option: string): number {
  const match = /^(-?)(\d+)([smhd])$/.exec(value.trim());
  if (!match) throw new HarnessError(`${option} "${value}" is not a duration: give a number and a unit, e.g. 90s, 10m, 1h, 7d`);
  return (match[1] ? -1 : 1) * Number(match[2]) * UNIT_S[match[3]];
}

/** A duration from now (`10m`) or a date (`2027-01-01T00:00:00Z`), as seconds from now. */
export function parseInstantFromNow(value: string, option: string, now = Date.now()): number {
  if (/^-?\d+[smhd]$/.test(value.trim())) return parseDuration(value, option);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new HarnessError(`${option} "${value}" is neither a duration (10m) nor a date (2027-01-01T00:00:00Z)`);
  return Math.round((at - now) / 1000);
}
