import type { Knex } from 'knex';
import { knex } from '../db/knex.js';

interface AuthorArgs {
  id: string;
}

interface AuthorsArgs {
  country?: string;
  nameContains?: string;
  orderBy?: 'name' | 'born';
  first?: number;
}

interface Author {
  id: number;
  name: string;
  country: string | null;
}

const ORDER_COLUMNS = { name: 'name', born: 'born_on' } as const;

export const authorResolvers = {
  Query: {
    author: (_: unknown, args: AuthorArgs) => knex('authors').where({ id: args.id }).first(),

    authors: async (_: unknown, args: AuthorsArgs) => {
      const first = Math.min(Math.max(Number(args.first ?? 20), 1), 100);
      const column = ORDER_COLUMNS[args.orderBy ?? 'name'] ?? 'name';
      const query = knex('authors').select('id', 'name', 'country').orderBy(column).limit(first);
      if (args.country) query.where('country', args.country);
      if (args.nameContains) query.whereRaw(`name ILIKE '%${args.nameContains}%'`); // expect: no-sql-concatenation
      return query;
    },

    authorsSafe: async (_: unknown, args: AuthorsArgs) => {
      const query = knex('authors').select('id', 'name');
      if (args.nameContains) query.whereRaw('name ILIKE ?', [`%${args.nameContains}%`]); // ok: no-sql-concatenation -- binding, the template only builds the value
      return query;
    },

    authorsByBirthYear: (_: unknown, args: { year: number }) =>
      knex.raw(`SELECT id, name FROM authors WHERE extract(year FROM born_on) = ${args.year}`), // expect: no-sql-concatenation

    authorsByBirthYearSafe: (_: unknown, args: { year: number }) =>
      knex.raw('SELECT id, name FROM authors WHERE extract(year FROM born_on) = ?', [args.year]), // ok: no-sql-concatenation -- positional binding

    authorsByCountry: (_: unknown, args: { country: string }) =>
      knex.raw('SELECT id, name FROM authors WHERE country = :country', { country: args.country }), // ok: no-sql-concatenation -- named binding

    authorsSorted: (_: unknown, args: { sort: string }) =>
      knex('authors').select('id', 'name').orderByRaw(args.sort + ' NULLS LAST'), // expect: no-sql-concatenation

    authorsSortedSafe: (_: unknown, args: { sort: string }) =>
      knex('authors').select('id', 'name').orderByRaw('?? NULLS LAST', [args.sort === 'country' ? 'country' : 'name']), // ok: no-sql-concatenation -- identifier binding
  },

  Author: {
    /* GraphQL calls this once per author, but that loop lives in the GraphQL runtime: nothing in this code iterates. */
    books: (author: Author) => knex('books').where({ author_id: author.id }), // ok: no-query-in-loop -- field resolver, no loop visible in the source
  },

  Mutation: {
    renameAuthors: async (_: unknown, args: { renames: Array<{ id: number; name: string }> }) => {
      for (const r of args.renames) {
        await knex('authors').where({ id: r.id }).update({ name: r.name }); // expect: no-query-in-loop
      }
      return true;
    },

    renameAuthorsBatched: async (_: unknown, args: { renames: Array<{ id: number; name: string }> }) => {
      await knex('authors')
        .insert(args.renames.map((r) => ({ id: r.id, name: r.name }))) // ok: no-query-in-loop -- builds rows for one multi-row insert
        .onConflict('id')
        .merge(['name']);
      return true;
    },

    tagAuthors: async (_: unknown, args: { ids: number[]; tag: string }) => {
      await knex.transaction(async (trx: Knex.Transaction) => { // ok: no-unreleased-client -- knex releases after the callback
        await trx('author_tags').insert(args.ids.map((id) => ({ author_id: id, tag: args.tag })));
        await Promise.all(args.ids.map((id) => trx('authors').where({ id }).increment('tag_count', 1))); // expect: no-query-in-loop
      });
      return true;
    },

    mergeAuthors: async (_: unknown, args: { keep: number; drop: number }) => {
      const trx = await knex.transaction(); // expect: no-unreleased-client
      await trx('books').where({ author_id: args.drop }).update({ author_id: args.keep });
      await trx('authors').where({ id: args.drop }).delete();
      await trx.commit();
      return true;
    },

    mergeAuthorsSafely: async (_: unknown, args: { keep: number; drop: number }) => {
      const trx = await knex.transaction(); // ok: no-unreleased-client -- committed or rolled back on every path
      try {
        await trx('books').where({ author_id: args.drop }).update({ author_id: args.keep });
        await trx('authors').where({ id: args.drop }).delete();
        await trx.commit();
      } catch (err) {
        await trx.rollback();
        throw err;
      }
      return true;
    },
  },
};

export async function booksForAuthors(authorIds: number[]): Promise<Map<number, unknown[]>> {
  const rows = await knex('books').whereIn('author_id', authorIds); // ok: no-query-in-loop -- whereIn batches every author
  const byAuthor = new Map<number, unknown[]>();
  for (const row of rows) byAuthor.set(row.author_id, [...(byAuthor.get(row.author_id) ?? []), row]);
  return byAuthor;
}

export async function authorsByNames(names: string[]): Promise<Array<{ id: number } | undefined>> {
  const found = [];
  for (const name of names) {
    found.push(await knex('authors').select('id').whereRaw(`lower(name) = lower('${name}')`).first()); // expect: no-query-in-loop, no-sql-concatenation
  }
  return found;
}

export async function countBooks(authorIds: number[]): Promise<number[]> {
  const counts: number[] = [];
  for (const id of authorIds) {
    const row = await knex('books') // expect: no-query-in-loop
      .where('author_id', id)
      .count<{ count: string }>('id as count')
      .first();
    counts.push(Number(row?.count ?? 0));
  }
  return counts;
}
