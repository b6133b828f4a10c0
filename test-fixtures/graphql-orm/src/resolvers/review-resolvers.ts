import { sql, type Transaction } from 'kysely';
import { db, type Database } from '../db/kysely.js';

interface ReviewsArgs {
  bookId: number;
  orderBy?: string;
  minRating?: number;
}

const REVIEW_SORT = ['created_at', 'rating'] as const;

export const reviewResolvers = {
  Query: {
    reviews: (_: unknown, args: ReviewsArgs) => {
      const column = (REVIEW_SORT as readonly string[]).includes(args.orderBy ?? '') ? args.orderBy! : 'created_at';
      return db
        .selectFrom('reviews')
        .selectAll()
        .where('book_id', '=', args.bookId)
        .orderBy(sql.ref(column), 'desc') // ok: no-sql-concatenation -- column from a constant whitelist, passed as an identifier
        .execute();
    },

    reviewsUnsafe: (_: unknown, args: ReviewsArgs) =>
      sql`SELECT * FROM reviews WHERE book_id = ${args.bookId} ORDER BY ${sql.raw(`${args.orderBy ?? 'created_at'} DESC`)}`.execute(db), // expect: no-sql-concatenation

    reviewsRawFilter: (_: unknown, args: ReviewsArgs) =>
      sql`SELECT * FROM reviews WHERE ${sql.raw(`rating >= ${args.minRating ?? 0}`)}`.execute(db), // expect: no-sql-concatenation

    reviewsSafe: (_: unknown, args: ReviewsArgs) =>
      sql`SELECT * FROM reviews WHERE book_id = ${args.bookId} AND rating >= ${args.minRating ?? 0}`.execute(db), // ok: no-sql-concatenation -- kysely sql tag binds values

    averageRatings: async (_: unknown, args: { bookIds: number[] }) => {
      const out: Array<{ bookId: number; avg: number | null }> = [];
      for (const bookId of args.bookIds) {
        const row = await db // expect: no-query-in-loop
          .selectFrom('reviews')
          .select((eb) => eb.fn.avg<number>('rating').as('avg'))
          .where('book_id', '=', bookId)
          .executeTakeFirst();
        out.push({ bookId, avg: row?.avg ?? null });
      }
      return out;
    },

    averageRatingsBatched: (_: unknown, args: { bookIds: number[] }) =>
      db
        .selectFrom('reviews')
        .select(['book_id', (eb) => eb.fn.avg<number>('rating').as('avg')]) // ok: no-query-in-loop -- select callback builds an expression, not a query
        .where('book_id', 'in', args.bookIds)
        .groupBy('book_id')
        .execute(),
  },

  Mutation: {
    deleteReviews: async (_: unknown, args: { ids: number[] }) => {
      await Promise.all(args.ids.map((id) => db.deleteFrom('reviews').where('id', '=', id).execute())); // expect: no-query-in-loop
      return true;
    },

    moderate: async (_: unknown, args: { ids: number[]; reason: string }) => {
      await db.connection().execute(async (conn) => { // ok: no-unreleased-client -- kysely releases the connection after the callback
        await conn.updateTable('reviews').set({ body: sql`'[removed: ' || ${args.reason} || ']'` }).where('id', 'in', args.ids).execute(); // ok: no-sql-concatenation -- || is SQL concatenation of a bound value
      });
      return true;
    },

    moderateInTransaction: async (_: unknown, args: { ids: number[] }) => {
      await db.transaction().execute(async (trx: Transaction<Database>) => {
        for (const id of args.ids) {
          await trx.updateTable('reviews').set({ body: '[removed]' }).where('id', '=', id).execute(); // expect: no-query-in-loop
        }
      });
      return true;
    },
  },
};
