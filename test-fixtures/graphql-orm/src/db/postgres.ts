import postgres from 'postgres';

export const sql = postgres(process.env.DATABASE_URL ?? 'postgres://localhost/events', {
  max: 10,
  idle_timeout: 20,
});
