import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, type Pool, type PoolClient } from 'pg';
import { PG_POOL } from '../database/database.providers';
import { withTransaction } from '../database/transaction';
import { balanceOf, lockAccounts, postEntries, postEntry, type LedgerEntry } from './ledger';

@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async transfer(from: string, to: string, amountCents: number): Promise<void> {
    await withTransaction(this.pool, async (client: PoolClient) => { // ok: no-unreleased-client -- project helper releases in finally
      await lockAccounts(client, [from, to]);
      await postEntries(client, [
        { accountId: from, amountCents: -amountCents, memo: `transfer to ${to}` },
        { accountId: to, amountCents, memo: `transfer from ${from}` },
      ]);
    });
  }

  async postAll(entries: LedgerEntry[]): Promise<void> {
    await withTransaction(this.pool, async (client: PoolClient) => {
      for (const entry of entries) {
        await postEntry(client, entry); // expect: no-query-in-loop
      }
    });
  }

  async balances(accountIds: string[]): Promise<Record<string, number>> {
    const client = await this.pool.connect(); // ok: no-unreleased-client -- released in finally
    try {
      const out: Record<string, number> = {};
      for (const id of accountIds) {
        out[id] = await balanceOf(client, id); // expect: no-query-in-loop
      }
      return out;
    } finally {
      client.release();
    }
  }

  async balancesBatched(accountIds: string[]): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ account_id: string; balance: string }>( // ok: no-unreleased-client -- pool.query
      'SELECT account_id, sum(amount_cents) AS balance FROM ledger WHERE account_id = ANY($1::uuid[]) GROUP BY account_id',
      [accountIds],
    );
    return Object.fromEntries(rows.map((r) => [r.account_id, Number(r.balance)]));
  }

  async closeAccount(accountId: string): Promise<boolean> {
    const client = await this.pool.connect(); // expect: no-unreleased-client
    try {
      await client.query('BEGIN');
      const balance = await balanceOf(client, accountId);
      if (balance !== 0) {
        await client.query('ROLLBACK');
        return false;
      }
      await client.query('UPDATE accounts SET closed_at = now() WHERE id = $1', [accountId]);
      await client.query('COMMIT');
      client.release();
      return true;
    } catch (err) {
      await client.query('ROLLBACK');
      client.release();
      throw err;
    }
  }

  async freezeAccount(accountId: string, reason: string): Promise<void> {
    const client = await this.pool.connect(); // ok: no-unreleased-client -- released on both branches of the try/catch
    try {
      await client.query('UPDATE accounts SET frozen = true, frozen_reason = $2 WHERE id = $1', [accountId, reason]);
    } catch (err) {
      client.release();
      this.logger.error(`freeze failed for ${accountId}`, err as Error);
      throw err;
    }
    client.release();
  }

  async exportToWarehouse(since: Date): Promise<number> {
    const warehouse = new Client({ connectionString: process.env.WAREHOUSE_URL }); // expect: no-unreleased-client
    await warehouse.connect();
    const { rows } = await this.pool.query('SELECT * FROM ledger WHERE created_at >= $1', [since]);
    if (rows.length === 0) {
      return 0;
    }
    await warehouse.query('INSERT INTO ledger_copy SELECT * FROM json_populate_recordset(NULL::ledger_copy, $1)', [JSON.stringify(rows)]);
    await warehouse.end();
    return rows.length;
  }

  async warehouseRowCount(): Promise<number> {
    const warehouse = new Client({ connectionString: process.env.WAREHOUSE_URL }); // ok: no-unreleased-client -- ended in finally
    try {
      await warehouse.connect();
      const { rows } = await warehouse.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_copy');
      return rows[0].n;
    } finally {
      await warehouse.end();
    }
  }

  async statement(accountId: string, month: string): Promise<unknown[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM ledger WHERE account_id = $1 AND date_trunc('month', created_at) = '${month}'::date`, // expect: no-sql-concatenation
      [accountId],
    );
    return rows;
  }

  async holdClient(): Promise<PoolClient> {
    const client = await this.pool.connect(); // ok: no-unreleased-client -- returned to the caller, who owns it
    client.on('error', (err) => this.logger.warn(`billing client error: ${err.message}`));
    return client;
  }
}
