/** The shop's activity: price an order (in a real app this would call a pricing service). */
export async function priceOrder(items: { sku: string; quantity: number }[]): Promise<number> {
  const prices: Record<string, number> = { apple: 30, pear: 45 };
  return items.reduce((total, item) => total + (prices[item.sku] ?? 0) * item.quantity, 0);
}
