import pgPromise from 'pg-promise';

export const pgp = pgPromise({ capSQL: true });
export const pdb = pgp(process.env.DATABASE_URL ?? 'postgres://localhost/analytics');
