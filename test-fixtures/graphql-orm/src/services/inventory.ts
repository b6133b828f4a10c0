import { and, eq, inArray, sql } from 'drizzle-orm';
import { ddb, drizzlePool, stock, warehouses } from '../db/drizzle.js';

export interface StockMove {
  warehouseId: number;
  sku: string;
  delta: number;
}

export async function stockByWarehouse(codes: string[]) {
  const list = await ddb.select().from(warehouses).where(inArray(warehouses.code, codes));
  const result = [];
  for (const w of list) {
    const items = await ddb.select().from(stock).where(eq(stock.warehouseId, w.id)); // expect: no-query-in-loop
    result.push({ ...w, items });
  }
  return result;
}

export async function stockByWarehouseJoined(codes: string[]) {
  return ddb
    .select({ code: warehouses.code, sku: stock.sku, quantity: stock.quantity })
    .from(warehouses)
    .innerJoin(stock, eq(stock.warehouseId, warehouses.id))
    .where(inArray(warehouses.code, codes));
}

export async function applyMoves(moves: StockMove[]): Promise<void> {
  await ddb.transaction(async (tx) => { // ok: no-unreleased-client -- drizzle releases after the callback
    await Promise.all(
      moves.map((m) =>
        tx // expect: no-query-in-loop
          .update(stock)
          .set({ quantity: sql`${stock.quantity} + ${m.delta}` }) // ok: no-sql-concatenation -- drizzle sql tag binds the delta
          .where(and(eq(stock.warehouseId, m.warehouseId), eq(stock.sku, m.sku))),
      ),
    );
  });
}

export async function applyMovesBatched(moves: StockMove[]): Promise<void> {
  const rows = sql.join(moves.map((m) => sql`(${m.warehouseId}::int, ${m.sku}::text, ${m.delta}::int)`), sql`, `); // ok: no-query-in-loop -- builds one VALUES list
  await ddb.execute(
    sql`UPDATE stock s SET quantity = s.quantity + v.delta FROM (VALUES ${rows}) AS v(warehouse_id, sku, delta) WHERE s.warehouse_id = v.warehouse_id AND s.sku = v.sku`, // ok: no-sql-concatenation -- composed from sql fragments only
  );
}

export async function lowStock(threshold: number, orderBy: string) {
  return ddb.execute(sql.raw(`SELECT sku, quantity FROM stock WHERE quantity < ${threshold} ORDER BY ${orderBy}`)); // expect: no-sql-concatenation
}

export async function lowStockSafe(threshold: number) {
  return ddb.execute(sql`SELECT sku, quantity FROM stock WHERE quantity < ${threshold} ORDER BY quantity`); // ok: no-sql-concatenation -- drizzle sql tag
}

export async function skuFilter(prefix: string) {
  return ddb.select().from(stock).where(sql.raw("sku LIKE '" + prefix + "%'")); // expect: no-sql-concatenation
}

export async function countPerWarehouse() {
  return ddb.execute(sql.raw('SELECT warehouse_id, count(*) FROM stock GROUP BY 1')); // ok: no-sql-concatenation -- sql.raw of a constant
}

export async function reindexStock(): Promise<void> {
  const client = await drizzlePool.connect(); // expect: no-unreleased-client
  await client.query('REINDEX TABLE CONCURRENTLY stock');
  client.release();
}
