/** The workflow every cell runs: its result must come back to the client for a cell to pass. */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities';

const { composeGreeting, makePayload } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function greetingWorkflow(name: string): Promise<string> {
  return await composeGreeting(name);
}

/** The same greeting after a sleep on a server timer: a workflow whose result a client awaits for that long (family lifetime). */
export async function heldGreetingWorkflow(name: string, sleepMs: number): Promise<string> {
  await sleep(sleepMs);
  return await composeGreeting(name);
}

/**
 * Payloads of given sizes (family lifetime): `input` as the workflow's argument, and `activities`
 * activity results of `resultBytes` each. Returns how many characters it got in all.
 */
export async function payloadWorkflow(input: string, resultBytes: number, activities: number): Promise<number> {
  let total = input.length;
  for (let i = 0; i < activities; i++) total += (await makePayload(resultBytes)).length;
  return total;
}
