import { pgTable, serial, text, integer, numeric } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull(),
  displayName: text('display_name'), // expect: no-missing-migration
});

export const orders = pgTable('orders', {
  id: serial('id').primaryKey(),
  userId: integer('user_id').notNull(),
  total: numeric('total'),
  status: text('status').notNull(),
});

export const invoices = pgTable('invoices', { // expect: no-missing-migration
  id: serial('id').primaryKey(),
});
