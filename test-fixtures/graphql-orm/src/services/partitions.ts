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

/** One query with a count column per field: the builder's count() only adds a column until the query is awaited. */
export async function fieldCounts(fields: string[]): Promise<unknown[]> {
  const query = knex('events').select('month');
  for (const field of fields) {
    query.count(field, { as: `count_${field}` }); // ok: no-query-in-loop -- adds a column to one query, runs nothing
  }
  return await query.groupBy('month');
}

/** Whether every month has its partition: the awaited query returns rows, and the loop looks them up in memory. */
export async function allPartitioned(months: string[]): Promise<boolean> {
  const done = (await knex('partitions').select('month')).map((row: { month: string }) => row.month);
  return months.every((month) => done.includes(month)); // ok: no-query-in-loop -- an array of rows, not a builder
}

/** The events of some months: `months.map(() => '?')` splices placeholders only, the months go in the bindings. */
export async function eventsIn(months: string[]): Promise<unknown[]> {
  return await knex('events').whereRaw(`month IN (${months.map(() => '?')})`, months); // ok: no-sql-concatenation -- a list of placeholders
}

/** The same list with the months themselves spliced in: injection. */
export async function eventsInQuoted(months: string[]): Promise<unknown[]> {
  return await knex('events').whereRaw(`month IN (${months.map((month) => `'${month}'`)})`); // expect: no-sql-concatenation
}

/** A count as a subquery: `toSQL()` gives knex's own text (placeholders only) and its bindings apart. */
export function eventCountColumn(month: string): unknown {
  const { sql, bindings } = knex('events').count('*').where('month', month).toSQL();
  return knex.raw(`(${sql}) AS event_count`, bindings); // ok: no-sql-concatenation -- knex-compiled text, values in bindings
}

/** A column expression: knex.raw made and handed back is a piece of the caller's query, not a query. */
function monthColumn(column: string): unknown {
  return knex.raw('to_char(??, ?)', [column, 'YYYY-MM']);
}

/** One select list built from the columns: one query. */
export async function monthsOf(columns: string[]): Promise<unknown[]> {
  return await knex('events').select(columns.map((column) => monthColumn(column))); // ok: no-query-in-loop -- builds one select list
}

/** An awaited knex.raw does run: one count per month. */
export async function countsByRaw(months: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const month of months) {
    out.push(await knex.raw('SELECT count(*) FROM events WHERE month = ?', [month])); // expect: no-query-in-loop
  }
  return out;
}

/** Archiving in chunks: each turn updates a list of ids. */
export async function archiveInChunks(chunks: number[][]): Promise<void> {
  for (const chunk of chunks) {
    await knex('events').update({ archived: true }).whereIn('id', chunk); // ok: no-query-in-loop -- each turn handles a chunk of ids
  }
}
