import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import pg from 'pg';

export const warehouses = pgTable('warehouses', {
  id: serial('id').primaryKey(),
  code: text('code').notNull(),
});

export const stock = pgTable('stock', {
  id: serial('id').primaryKey(),
  warehouseId: integer('warehouse_id').notNull(),
  sku: text('sku').notNull(),
  quantity: integer('quantity').notNull(),
  updatedAt: timestamp('updated_at').defaultNow(),
});

export const drizzlePool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
export const ddb = drizzle(drizzlePool, { schema: { warehouses, stock } });
