/**
 * Dropping established TCP flows on loopback, as a NAT or stateful firewall does when it forgets
 * a flow: every packet of the flow, both ways, is dropped from then on, while new flows to the
 * same port pass. The kernel's own firewall does it (iptables, one DROP rule per direction and
 * flow), so the stacks meet real retransmissions and their own keepalives, not a proxy's doing.
 *
 * Toxiproxy cannot model this (measured with v2.5.0): each of its toxics applies to links opened
 * later as much as to those already open; its timeout drops bytes the proxy has already
 * acknowledged, so no TCP timer ever fires; removing a toxic closes every link.
 *
 * Every rule carries a comment naming its owner (pid and start time): it is removed when its
 * flow's cell ends, on every exit path, and swept at the next start once its owner is gone.
 */
import { spawnSync } from 'node:child_process';
import { onCleanup } from '../cleanup';
import { ownerAlive, selfOwner, type Owner } from '../env/owned';
import { log } from '../log';

const IPTABLES = 'iptables';
const COMMENT_PREFIX = 'temporal-tls-harness';

/** The local ports of the established connections to `port` on loopback (the clients' ends). */
export function clientPortsOf(port: number): number[] {
  const listed = spawnSync('ss', ['-Htn', 'state', 'established', '(', 'dport', '=', `:${port}`, ')'], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`ss could not list the connections to port ${port}: ${listed.stderr.trim()}`);
  return listed.stdout
    .split('\n')
    .flatMap((line) => {
      const local = line.trim().split(/\s+/)[2];
      return local ? [Number(local.slice(local.lastIndexOf(':') + 1))] : [];
    });
}

/**
 * Drop every packet of the flows between the client ports `from` and the server port `to`, both
 * ways, until the returned function removes the rules.
 */
export function dropFlows(from: number[], to: number): () => void {
  sweepLeftoverRules();
  const rules = from.flatMap((client) => [
    ['-p', 'tcp', '-i', 'lo', '--sport', String(client), '--dport', String(to)],
    ['-p', 'tcp', '-i', 'lo', '--sport', String(to), '--dport', String(client)],
  ]).map((match) => [...match, '-m', 'comment', '--comment', commentOf(selfOwner()), '-j', 'DROP']);
  const added: string[][] = [];
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    forget();
    for (const rule of added) iptables(['-D', 'INPUT', ...rule]);
  };
  const forget = onCleanup(async () => remove());
  for (const rule of rules) {
    iptables(['-I', 'INPUT', ...rule]);
    added.push(rule);
  }
  return remove;
}

/** Remove the rules of owners that are gone (a run killed with SIGKILL). */
export function sweepLeftoverRules(): number {
  const listed = spawnSync(IPTABLES, ['-S', 'INPUT'], { encoding: 'utf8' });
  if (listed.status !== 0) return 0;
  let swept = 0;
  for (const line of listed.stdout.split('\n')) {
    const owner = ownerIn(line);
    if (!owner || ownerAlive(owner)) continue;
    iptables(['-D', ...line.replace(/^-A /, '').split(' ').map((word) => word.replace(/^"|"$/g, ''))]);
    swept++;
  }
  if (swept > 0) log(`removed ${swept} firewall rule(s) left behind by earlier runs`);
  return swept;
}

function commentOf(owner: Owner): string {
  return `${COMMENT_PREFIX}:${owner.pid}:${owner.startTicks ?? 'x'}`;
}

function ownerIn(rule: string): Owner | undefined {
  const match = new RegExp(`${COMMENT_PREFIX}:(\\d+):(\\d+|x)`).exec(rule);
  return match ? { pid: Number(match[1]), startTicks: match[2] === 'x' ? null : Number(match[2]) } : undefined;
}

function iptables(args: string[]): void {
  const result = spawnSync(IPTABLES, ['-w', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`iptables ${args.join(' ')} failed: ${result.stderr.trim()}`);
}
