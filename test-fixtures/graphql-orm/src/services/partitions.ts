import { knex } from '../db/knex';

/** One partition table per month: DDL through the schema builder has no batched form. */
export async function createMonthlyPartitions(months: string[]): Promise<void> {
  for (const month of months) {
    await knex.schema.createTable(`events_${month}`, (table) => { // ok: no-query-in-loop -- DDL (knex.schema) has no batched form
      table.bigIncrements('id');
      table.timestamp('at').notNullable();
    });
  }
}

/** Counting rows per month is an N+1: one grouped query answers them all. */
export async function monthlyCounts(months: string[]): Promise<number[]> {
  const counts: number[] = [];
  for (const month of months) {
    const row = await knex('events').where('month', month).count({ n: '*' }).first(); // expect: no-query-in-loop
    counts.push(Number(row?.n ?? 0));
  }
  return counts;
}
