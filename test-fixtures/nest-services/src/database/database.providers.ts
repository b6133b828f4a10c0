import { Pool } from 'pg';

export const PG_POOL = Symbol('PG_POOL');

export const databaseProviders = [
  {
    provide: PG_POOL,
    useFactory: (): Pool =>
      new Pool({
        connectionString: process.env.DATABASE_URL,
        max: 20,
        statement_timeout: 15_000,
      }),
  },
];
