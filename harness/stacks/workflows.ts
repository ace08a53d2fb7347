/** The workflow every cell runs: its result must come back to the client for a cell to pass. */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities';

const { composeGreeting } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function greetingWorkflow(name: string): Promise<string> {
  return await composeGreeting(name);
}

/** The same greeting after a sleep on a server timer: a workflow whose result a client awaits for that long (family lifetime). */
export async function heldGreetingWorkflow(name: string, sleepMs: number): Promise<string> {
  await sleep(sleepMs);
  return await composeGreeting(name);
}
