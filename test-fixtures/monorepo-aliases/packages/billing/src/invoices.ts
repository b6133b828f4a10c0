import { lineItemsOf } from '@shared/line-items';

export async function invoiceTotals(invoiceIds: number[]) {
  const totals = new Map<number, number>();
  for (const id of invoiceIds) {
    const items = await lineItemsOf(id); // expect: no-query-in-loop
    totals.set(id, items.reduce((sum, item) => sum + item.quantity * item.unit_price, 0));
  }
  return totals;
}
