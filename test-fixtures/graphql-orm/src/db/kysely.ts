import { Kysely, PostgresDialect, type Generated } from 'kysely';
import pg from 'pg';

export interface Database {
  reviews: { id: Generated<number>; book_id: number; author_id: number; rating: number; body: string; created_at: Generated<Date> };
  books: { id: Generated<number>; title: string; author_id: number; published_at: Date | null };
  authors: { id: Generated<number>; name: string; country: string | null };
}

export const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) }),
});
