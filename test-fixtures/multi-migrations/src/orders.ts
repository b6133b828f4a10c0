import postgres from 'postgres';
import knexFactory from 'knex';
import { Kysely } from 'kysely';

const sql = postgres();
const knex = knexFactory({ client: 'pg' });
const db = new Kysely<any>({} as any);

export async function byStatus(status: string, userId: number) {
  return sql`SELECT id, total, statuz FROM orders WHERE status = ${status} AND user_id = ${userId}`; // expect: no-missing-migration
}

export async function okTagged(userId: number) {
  return sql`SELECT id, total, status FROM orders WHERE user_id = ${userId}`;
}

export async function knexOrders(status: string) {
  return knex('orders').where('status', status).select('total', 'discount'); // expect: no-missing-migration
}

export async function knexOk(userId: number) {
  return knex('orders as o').join('users as u', 'u.id', 'o.user_id').where('o.user_id', userId).select('o.total', 'u.email');
}

export async function kyselyOrders() {
  return db.selectFrom('orders').select(['total', 'currency']).where('status', '=', 'paid').execute(); // expect: no-missing-migration
}

export async function kyselyMissingTable() {
  return db.selectFrom('invoices').selectAll().execute(); // expect: no-missing-migration
}
