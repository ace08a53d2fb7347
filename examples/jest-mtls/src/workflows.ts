/** The shop's workflow: price the order through an activity and confirm it. */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { priceOrder } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function placeOrder(orderId: string, items: { sku: string; quantity: number }[]): Promise<string> {
  const cents = await priceOrder(items);
  return `order ${orderId} confirmed: ${cents} cents`;
}
