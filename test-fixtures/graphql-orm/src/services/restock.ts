// Query functions that take the database as a parameter typed from the value (src/db/types.ts).
import { eq } from 'drizzle-orm';
import { stock } from '../db/drizzle.js';
import type { AuditedDatabase, ConnectedDatabase, Database } from '../db/types.js';

type LocalDb = Database;

export async function restockAll(db: Database, skus: string[]): Promise<void> {
  for (const sku of skus) {
    await db.update(stock).set({ quantity: 100 }).where(eq(stock.sku, sku)); // expect: no-query-in-loop
  }
}

export async function countAll(db: ConnectedDatabase, skus: string[]): Promise<number> {
  let total = 0;
  for (const sku of skus) {
    const rows = await db.select().from(stock).where(eq(stock.sku, sku)); // expect: no-query-in-loop
    total += rows.length;
  }
  return total;
}

export async function auditAll(db: AuditedDatabase, skus: string[]): Promise<void> {
  for (const sku of skus) {
    await db.delete(stock).where(eq(stock.sku, sku)); // expect: no-query-in-loop
  }
}

export async function localAll(db: LocalDb, skus: string[]): Promise<void> {
  await Promise.all(skus.map((sku) => db.select().from(stock).where(eq(stock.sku, sku)))); // expect: no-query-in-loop
}
