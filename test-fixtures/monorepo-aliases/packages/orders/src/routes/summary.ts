import { orderById, ordersByIds } from '#src/queries/orders';

export async function totals(ids: number[]) {
  const out: number[] = [];
  for (const id of ids) {
    const order = await orderById(id); // expect: no-query-in-loop
    out.push(order.total);
  }
  return out;
}

export async function totalsBatched(ids: number[]) {
  const orders = await ordersByIds(ids);
  return orders.map((o) => o.total);
}
