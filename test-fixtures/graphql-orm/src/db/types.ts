// Database types written from the values (`typeof ddb`), and through TypeScript's utility types.
import { ddb } from './drizzle.js';

export type Database = typeof ddb;

export async function connectDb() {
  return ddb;
}

export type ConnectedDatabase = Awaited<ReturnType<typeof connectDb>>;
export type AuditedDatabase = Database & { audit?: (message: string) => void };
