import { sql as baseSql, type DatabaseTransactionConnection } from 'slonik';
import { slonikPool, sql } from '../db/slonik.js';

export interface Refund {
  paymentId: number;
  amountCents: number;
}

export async function paymentById(id: number) {
  return slonikPool.one(sql.typeAlias('payment')`SELECT id, amount_cents, status FROM payments WHERE id = ${id}`); // ok: no-sql-concatenation -- slonik tag binds values
}

export async function paymentsByStatus(status: string, orderBy: 'created_at' | 'amount_cents') {
  return slonikPool.any(
    sql.typeAlias('payment')`SELECT id, amount_cents, status FROM payments WHERE status = ${status} ORDER BY ${sql.identifier([orderBy])}`, // ok: no-sql-concatenation -- sql.identifier escapes the column
  );
}

export async function paymentCount(customerId: number) {
  return slonikPool.oneFirst(baseSql.unsafe`SELECT count(*) FROM payments WHERE customer_id = ${customerId}`); // ok: no-sql-concatenation -- slonik sql.unsafe is a tag that still binds values
}

/** Applies SQL files in order (a seed): each statement comes whole from a file, so the loop is a runner, not N+1. */
export async function applySqlFiles(statements: string[]) {
  for (const statement of statements) {
    await slonikPool.query(sql`${sql.raw(statement)}`); // ok: no-query-in-loop -- the statement is entirely dynamic: a runner
  }
}

export async function paymentsFor(customerIds: number[]) {
  const result = [];
  for (const customerId of customerIds) {
    result.push(await slonikPool.any(sql.typeAlias('payment')`SELECT id, amount_cents, status FROM payments WHERE customer_id = ${customerId}`)); // expect: no-query-in-loop
  }
  return result;
}

export async function paymentsForBatched(customerIds: number[]) {
  return slonikPool.any( // ok: no-query-in-loop -- one query with = ANY
    sql.typeAlias('payment')`SELECT id, amount_cents, status FROM payments WHERE customer_id = ANY(${sql.array(customerIds, 'int4')})`,
  );
}

async function insertRefund(connection: DatabaseTransactionConnection, refund: Refund): Promise<void> {
  await connection.query(sql.typeAlias('id')`INSERT INTO refunds (payment_id, amount_cents) VALUES (${refund.paymentId}, ${refund.amountCents}) RETURNING id`);
}

export async function refundAll(refunds: Refund[]): Promise<void> {
  await slonikPool.transaction(async (connection) => { // ok: no-unreleased-client -- slonik releases after the callback
    for (const refund of refunds) {
      await insertRefund(connection, refund); // expect: no-query-in-loop
    }
  });
}

export async function refundAllBatched(refunds: Refund[]): Promise<void> {
  await slonikPool.query( // ok: no-query-in-loop -- sql.unnest builds one multi-row insert
    sql.typeAlias('id')`INSERT INTO refunds (payment_id, amount_cents)
      SELECT * FROM ${sql.unnest(refunds.map((r) => [r.paymentId, r.amountCents]), ['int4', 'int4'])} RETURNING id`,
  );
}

export async function settle(paymentIds: number[]): Promise<void> {
  await slonikPool.connect(async (connection) => { // ok: no-unreleased-client -- pool.connect with a callback releases by itself
    await connection.query(sql.typeAlias('id')`UPDATE payments SET status = 'settled' WHERE id = ANY(${sql.array(paymentIds, 'int4')}) RETURNING id`);
  });
}

export async function settleEach(paymentIds: number[]): Promise<void> {
  await slonikPool.connect(async (connection) => { // ok: no-unreleased-client -- pool.connect with a callback releases by itself
    await Promise.all(
      paymentIds.map((id) => connection.query(sql.typeAlias('id')`UPDATE payments SET status = 'settled' WHERE id = ${id} RETURNING id`)), // expect: no-query-in-loop
    );
  });
}

export async function searchNotes(term: string) {
  const pattern = '%' + term + '%';
  return slonikPool.any(sql.typeAlias('id')`SELECT id FROM payments WHERE notes ILIKE ${pattern}`); // ok: no-sql-concatenation -- the concatenation builds a bound value
}
