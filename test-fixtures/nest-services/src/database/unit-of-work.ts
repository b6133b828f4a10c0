import { Inject, Injectable, Scope } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from './database.providers';

/**
 * A unit of work owns one client for the length of a business operation.
 * The client is released by commit() or rollback(), not where it is acquired.
 */
export class UnitOfWork {
  private finished = false;

  private constructor(readonly client: PoolClient) {}

  static async begin(pool: Pool): Promise<UnitOfWork> {
    const client = await pool.connect(); // ok: no-unreleased-client -- handed to the returned UnitOfWork, released on every failure before that
    try {
      await client.query('BEGIN');
    } catch (err) {
      client.release(true);
      throw err;
    }
    return new UnitOfWork(client);
  }

  async commit(): Promise<void> {
    await this.finish('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.finish('ROLLBACK');
  }

  private async finish(statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      await this.client.query(statement);
    } finally {
      this.client.release();
    }
  }
}

/** Request-scoped session: opened by an interceptor, closed when the response is sent. */
@Injectable({ scope: Scope.REQUEST })
export class RequestSession {
  private client: PoolClient | null = null;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async open(): Promise<PoolClient> {
    if (!this.client) {
      this.client = await this.pool.connect(); // ok: no-unreleased-client -- stored on the session, released by close()
    }
    return this.client;
  }

  close(): void {
    this.client?.release();
    this.client = null;
  }
}
