import { stockOf } from '#src/queries/stock';

export async function lowStock(skus: string[], threshold: number) {
  const low: string[] = [];
  for (const sku of skus) {
    if ((await stockOf(sku)) < threshold) low.push(sku); // expect: no-query-in-loop
  }
  return low;
}
